// Package filterpattern parses and evaluates CloudWatch Logs filter
// patterns on JSON log events, the language of metric filters and
// subscription filters: { $.eventName = "ConsoleLogin" && $.errorCode NOT EXISTS }.
// groundwork uses it to test the monitoring patterns it deploys (Library)
// against real CloudTrail records before they reach AWS.
//
// The semantics follow the CloudWatch Logs User Guide, "Using filter
// patterns to match terms in JSON log events" and "Filter pattern syntax
// for metric filters, subscription filters, filter log events and Live
// Tail" (earlier editions: "Filter and pattern syntax"):
//
//   - A pattern is enclosed in { }. A selector starts with "$." and names
//     properties made of letters, digits, "-" and "_"; [N] picks the Nth
//     element (from 0) of an array and must follow a property;
//     .['cluster.name'] names a property with other characters.
//   - = and != compare strings, quoted or not ("Strings that consist
//     entirely of alphanumeric characters do not need to be quoted"), and
//     numbers; <, <=, > and >= compare numbers only.
//   - "*" is a wildcard at the start or end of a value: *Event matches
//     PutEvent, Event* matches EventName, a lone * matches any value, and
//     "Ev*ent will only match the actual string Ev*ent". It matches numbers
//     by their text (status = 4*).
//   - A selector must point to a value node, a string or a number: "If a
//     property selector points to an array or object, the metric filter
//     won't match the log format", and for an array "both {$.users = 1} and
//     {$.users != 1} will fail to match". A selector that is absent does not
//     match either, != included: CloudWatch's own pattern tester gives no
//     match for {$.userIdentity.invokedBy != "x"} on a record without the
//     field (reported in DataBiosphere/azul#5884), which is why the root
//     activity pattern of guidance 000 spells out "invokedBy NOT EXISTS".
//   - IS NULL matches a JSON null, IS TRUE and IS FALSE a JSON boolean,
//     NOT EXISTS a selector that is absent (a null exists). "The variables
//     IS NOT and EXISTS currently aren't supported."
//   - && binds tighter than ||, parentheses group: "() > && > ||".
//   - Patterns are case sensitive and at most 1024 characters long (the
//     PutMetricFilter limit).
//   - The empty pattern matches every log event.
//
// Where AWS says nothing, groundwork chooses, and the choice is written
// where it is made: keywords are upper case as documented; a backslash in
// a quoted value escapes the next character; a numeric value compared with
// = or != to a string matches on the text as written (AWS's own example
// compares recipientAccountId, a string in CloudTrail, to 123456789012);
// < <= > >= never match strings, booleans or nulls. Regular expressions
// (%...%) and wildcard selectors ($.a[*], $.*), newer additions to the
// language, are rejected with a SyntaxError rather than guessed at, as are
// the space-delimited and plain-term patterns, which are not JSON patterns.
//
// A Pattern is immutable once parsed and safe for concurrent use. Match
// reads an event's bytes in one pass without building a tree: selectors are
// compiled into a trie of paths, and only the values they name are kept,
// while everything else is validated and skipped.
package filterpattern
