package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

func newFilter(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "filter",
		Short: "Test CloudWatch Logs filter patterns on CloudTrail records, without AWS",
		Long: `filter evaluates CloudWatch Logs JSON filter patterns, the language of the
metric filters and subscription filters groundwork's monitoring deploys, on
log events in local files. It needs no AWS credentials.`,
		Example: `  groundwork filter list
  groundwork filter test --library RootUserActivity 111122223333_CloudTrail_us-east-1_20240514T0910Z_Ab12Cd34Ef56Gh78.json.gz`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newFilterTest(g), newFilterList(g))
	return cmd
}

func newFilterTest(g *globals) *cobra.Command {
	var output, library string
	cmd := &cobra.Command{
		Use:   "test {PATTERN | --library NAME} FILE...",
		Short: "Show which events in CloudTrail log files or JSON lines a filter pattern matches",
		Long: `test evaluates a CloudWatch Logs filter pattern on log events, as a metric
filter or a subscription filter would. Each FILE holds one JSON event, a
CloudTrail log file ({"Records": [...]}, gzip-compressed when the name ends
in .gz, as CloudTrail delivers them to S3), a JSON array of events, or JSON
lines, one event a line; "-" reads standard input. A line that is not JSON
is an event that does not match, as in CloudWatch Logs.

Only JSON patterns, enclosed in { }, are read, with the semantics of the
CloudWatch Logs User Guide: a comparison on a selector that is absent does
not match, != included (test for that with NOT EXISTS); "*" is a wildcard
at the start or end of a value; && binds tighter than ||. --library NAME
uses a built-in pattern instead: groundwork filter list shows them.

test prints each matching event as FILE:N with its eventName and eventTime,
N being the line for JSON lines and the event's position from 1 otherwise,
then "N of M events match". Exit code 0 when at least one event matched, 1
when none did or on error. A malformed pattern is printed with a caret
under the position of the mistake.`,
		Example: `  groundwork filter test '{ $.eventName = "ConsoleLogin" }' events.jsonl
  groundwork filter test --library RootUserActivity 111122223333_CloudTrail_us-east-1_20240514T0910Z_Ab12Cd34Ef56Gh78.json.gz
  groundwork filter test -o json '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }' *.json.gz
  zcat *.json.gz | jq -c '.Records[]' | groundwork filter test --library ConsoleSignInWithoutMFA -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			src, files := "", args
			if library != "" && strings.HasPrefix(strings.TrimSpace(args[0]), "{") {
				return errors.New("give a PATTERN or --library NAME, not both")
			}
			if library != "" {
				e, ok := filterpattern.Lookup(library)
				if !ok {
					return fmt.Errorf("--library %q: no such pattern; groundwork filter list shows them: %s", library, strings.Join(filterpattern.Names(), ", "))
				}
				src = e.Pattern
			} else {
				if len(args) < 2 {
					return errors.New("give a pattern and at least one event file (- for standard input), or --library NAME and the files")
				}
				src, files = args[0], args[1:]
			}
			p, err := filterpattern.Parse(src)
			if err != nil {
				printPatternError(g.io.Err, src, err)
				return &exitError{code: ExitError}
			}
			res := filterResult{Pattern: src, Library: library, Matches: []filterMatch{}}
			for _, name := range files {
				events, notJSON, err := readEvents(name, g.io.In)
				if err != nil {
					return err
				}
				if notJSON.count > 0 {
					fmt.Fprintf(g.io.Err, "warning: %s: %d event(s) are not JSON (the first at %d); they do not match\n", displayName(name), notJSON.count, notJSON.first)
				}
				for _, ev := range events {
					res.Events++
					ok, err := p.Match(ev.data)
					if err != nil {
						return fmt.Errorf("match %s:%d: %w", displayName(name), ev.n, err)
					}
					if ok {
						res.Matches = append(res.Matches, newFilterMatch(displayName(name), ev))
					}
				}
			}
			res.Matched = len(res.Matches)
			if err := res.write(g.io.Out, output); err != nil {
				return err
			}
			if res.Matched == 0 {
				return &exitError{code: ExitError}
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	cmd.Flags().StringVar(&library, "library", "", "use the built-in pattern NAME (see groundwork filter list) instead of a PATTERN argument")
	_ = cmd.RegisterFlagCompletionFunc("library", cobra.FixedCompletions(filterpattern.Names(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newFilterList(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the built-in filter patterns and the guidance they come from",
		Long: `list prints the filter patterns groundwork's monitoring deploys on the
organization trail's log group: the root activity filter of guidance 000,
the sign-in and access-denied filters of guidance 001, and the CIS AWS
Foundations Benchmark's section 4. Use a name with filter test --library.`,
		Example: "  groundwork filter list\n  groundwork filter list -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			lib := filterpattern.Library()
			if output == "json" {
				enc := json.NewEncoder(g.io.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(lib)
			}
			for i, e := range lib {
				if i > 0 {
					fmt.Fprintln(g.io.Out)
				}
				fmt.Fprintf(g.io.Out, "%s (%s)\n  %s\n  %s\n", e.Name, strings.Join(e.Guidance, "; "), e.Description, e.Pattern)
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}

// printPatternError prints a SyntaxError with the pattern and a caret under
// the position, or any other error as it is.
func printPatternError(w io.Writer, pattern string, err error) {
	fmt.Fprintf(w, "error: %v\n", err)
	var se *filterpattern.SyntaxError
	if !errors.As(err, &se) {
		return
	}
	// One line, so that the caret lines up: newlines and tabs become spaces.
	line := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, pattern)
	fmt.Fprintf(w, "  %s\n  %s^\n", line, strings.Repeat(" ", min(se.Pos, utf8.RuneCountInString(line))))
}

// logEvent is one event read from a file. n is the line for JSON lines and
// the position from 1 otherwise.
type logEvent struct {
	n    int
	data []byte
}

type notJSON struct{ count, first int }

// readEvents reads the events in one file: a single JSON event, a
// CloudTrail log file ({"Records": [...]}), a JSON array of events, or JSON
// lines. A name ending in .gz is gunzipped; "-" is in.
func readEvents(name string, in io.Reader) ([]logEvent, notJSON, error) {
	r := in
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, notJSON{}, fmt.Errorf("read events: %w", err)
		}
		defer f.Close()
		r = f
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, notJSON{}, fmt.Errorf("read %s: %w", displayName(name), err)
		}
		defer zr.Close()
		r = zr
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, notJSON{}, fmt.Errorf("read %s: %w", displayName(name), err)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && json.Valid(trimmed) {
		switch trimmed[0] {
		case '[':
			return rawEvents(trimmed), notJSON{}, nil
		case '{':
			var file map[string]json.RawMessage
			if err := json.Unmarshal(trimmed, &file); err == nil {
				if records := bytes.TrimSpace(file["Records"]); len(records) > 0 && records[0] == '[' {
					return rawEvents(records), notJSON{}, nil
				}
			}
		}
		return []logEvent{{n: 1, data: trimmed}}, notJSON{}, nil
	}
	var events []logEvent
	var bad notJSON
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		events = append(events, logEvent{n: i + 1, data: line})
		if !json.Valid(line) {
			if bad.count == 0 {
				bad.first = i + 1
			}
			bad.count++
		}
	}
	return events, bad, nil
}

// rawEvents splits a JSON array, already validated, into its elements.
func rawEvents(array []byte) []logEvent {
	var raw []json.RawMessage
	_ = json.Unmarshal(array, &raw) // validated by the caller
	events := make([]logEvent, len(raw))
	for i, r := range raw {
		events[i] = logEvent{n: i + 1, data: r}
	}
	return events
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

type filterResult struct {
	Pattern string        `json:"pattern"`
	Library string        `json:"library,omitempty"`
	Events  int           `json:"events"`
	Matched int           `json:"matched"`
	Matches []filterMatch `json:"matches"`
}

type filterMatch struct {
	File      string `json:"file"`
	N         int    `json:"n"`
	EventName string `json:"eventName,omitempty"`
	EventTime string `json:"eventTime,omitempty"`
}

func newFilterMatch(file string, ev logEvent) filterMatch {
	var fields struct {
		EventName any `json:"eventName"`
		EventTime any `json:"eventTime"`
	}
	_ = json.Unmarshal(ev.data, &fields) // a match is a JSON object
	m := filterMatch{File: file, N: ev.n}
	m.EventName, _ = fields.EventName.(string)
	m.EventTime, _ = fields.EventTime.(string)
	return m
}

func (r *filterResult) write(w io.Writer, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	for _, m := range r.Matches {
		line := fmt.Sprintf("%s:%d", m.File, m.N)
		for _, f := range []string{m.EventName, m.EventTime} {
			if f != "" {
				line += "  " + f
			}
		}
		fmt.Fprintln(w, line)
	}
	_, err := fmt.Fprintf(w, "%d of %d events match\n", r.Matched, r.Events)
	return err
}
