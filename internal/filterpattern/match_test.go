package filterpattern

import (
	"encoding/json"
	"strconv"
	"sync"
	"testing"
)

// awsExample is the sample event of "Using filter patterns to match terms
// in JSON log events" (CloudWatch Logs User Guide), with the ThisFlag of
// earlier editions; every pattern the guide says matches it must match.
const awsExample = `{
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": ["value", "another value"],
  "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
  "SomeObject": null,
  "cluster.name": "c",
  "ThisFlag": true
}`

// awsCompound is the guide's sample for compound expressions.
const awsCompound = `{
    "user": {"id": 1, "email": "John.Stiles@example.com"},
    "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
    "actions": ["GET", "PUT", "DELETE"],
    "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
}`

// grammarEvent exercises every kind of JSON value.
const grammarEvent = `{
  "eventName": "DeleteBucketPolicy",
  "errorCode": "Client.UnauthorizedOperation",
  "status": 404,
  "latency": 512.5,
  "tiny": 1e-3,
  "negative": -7,
  "recipientAccountId": "111122223333",
  "account": 111122223333,
  "numericString": "500",
  "empty": "",
  "flag": false,
  "on": true,
  "nothing": null,
  "object": {"inner": {"deep": "x"}},
  "list": [10, "eleven", null, {"twelve": 12}],
  "star": "a*b",
  "escaped": "caf\u00e9 \"quoted\" \\ slash",
  "caf\u00e9": "unicode key",
  "dup": "first",
  "dup": "second",
  "obj": {"a": 1},
  "obj": "replaced"
}`

func TestMatchGrammar(t *testing.T) {
	tests := map[string]struct {
		event   string
		pattern string
		want    bool
	}{
		// The guide's examples.
		"aws string":              {awsExample, `{ $.eventType = "UpdateTrail" }`, true},
		"aws not equal wildcard":  {awsExample, `{ $.sourceIPAddress != 123.123.* }`, true},
		"aws array element":       {awsExample, `{ $.arrayKey[0] = "value" }`, true},
		"aws object in array":     {awsExample, `{ $.objectList[1].id = 2 }`, true},
		"aws is null":             {awsExample, `{ $.SomeObject IS NULL }`, true},
		"aws not exists":          {awsExample, `{ $.SomeOtherObject NOT EXISTS }`, true},
		"aws is true":             {awsExample, `{ $.ThisFlag IS TRUE }`, true},
		"aws key with a period":   {awsExample, `{ $.['cluster.name'] = "c" }`, true},
		"aws or":                  {`{"foo": "baz"}`, `{$.foo = bar || $.foo = baz }`, true},
		"aws or, neither":         {`{"foo": "qux"}`, `{$.foo = bar || $.foo = baz }`, false},
		"aws and":                 {awsCompound, `{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, true},
		"aws and before or":       {awsCompound, `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }`, true},
		"aws parentheses first":   {awsCompound, `{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }`, false},
		"aws or no match":         {awsCompound, `{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`, false},
		"aws nested arrays":       {awsCompound, `{ $.coordinates[2][0] = 7 }`, true},
		"aws array is no value":   {`{"users": [1, 2, 3]}`, `{ $.users = 1 }`, false},
		"aws array is no value !": {`{"users": [1, 2, 3]}`, `{ $.users != 1 }`, false},
		"aws object not array":    {awsExample, `{ $.objectList[1].number = 2 }`, false},
		"aws index on a string":   {awsExample, `{ $.eventType[0] = "U" }`, false},

		// = and != on strings.
		"= quoted":                 {grammarEvent, `{ $.eventName = "DeleteBucketPolicy" }`, true},
		"= unquoted":               {grammarEvent, `{ $.eventName = DeleteBucketPolicy }`, true},
		"= is case sensitive":      {grammarEvent, `{ $.eventName = "deletebucketpolicy" }`, false},
		"= empty string":           {grammarEvent, `{ $.empty = "" }`, true},
		"!= other":                 {grammarEvent, `{ $.eventName != "PutBucketPolicy" }`, true},
		"!= same":                  {grammarEvent, `{ $.eventName != "DeleteBucketPolicy" }`, false},
		"!= absent":                {grammarEvent, `{ $.missing != "x" }`, false},
		"!= absent deep":           {grammarEvent, `{ $.missing.deeper != "x" }`, false},
		"!= object":                {grammarEvent, `{ $.object != "x" }`, false},
		"!= null":                  {grammarEvent, `{ $.nothing != "x" }`, false},
		"!= boolean":               {grammarEvent, `{ $.flag != "x" }`, false},
		"= boolean text":           {grammarEvent, `{ $.on = true }`, false},
		"= absent":                 {grammarEvent, `{ $.missing = "x" }`, false},
		"= through a string":       {grammarEvent, `{ $.eventName.x = "x" }`, false},
		"= escapes decoded":        {grammarEvent, `{ $.escaped = "café \"quoted\" \\ slash" }`, true},
		"= unicode key":            {grammarEvent, `{ $.['café'] = "unicode key" }`, true},
		"= duplicate key, last":    {grammarEvent, `{ $.dup = "second" }`, true},
		"= duplicate key, first":   {grammarEvent, `{ $.dup = "first" }`, false},
		"duplicate replaces below": {grammarEvent, `{ $.obj.a = 1 }`, false},
		"duplicate replaces kind":  {grammarEvent, `{ $.obj = "replaced" }`, true},
		"same selector twice":      {grammarEvent, `{ $.eventName = Delete* && $.['eventName'] != "x" }`, true},

		// Wildcards: at the start and end only.
		"* suffix":          {grammarEvent, `{ $.eventName = "Delete*" }`, true},
		"* suffix no":       {grammarEvent, `{ $.eventName = "Put*" }`, false},
		"* prefix":          {grammarEvent, `{ $.errorCode = "*UnauthorizedOperation" }`, true},
		"* prefix no":       {grammarEvent, `{ $.errorCode = "*Denied" }`, false},
		"* both":            {grammarEvent, `{ $.errorCode = "*Unauthorized*" }`, true},
		"* both no":         {grammarEvent, `{ $.errorCode = "*AccessDenied*" }`, false},
		"* alone":           {grammarEvent, `{ $.eventName = * }`, true},
		"* alone, number":   {grammarEvent, `{ $.latency = * }`, true},
		"* alone, null":     {grammarEvent, `{ $.nothing = * }`, false},
		"* alone, absent":   {grammarEvent, `{ $.missing = * }`, false},
		"* inside literal":  {grammarEvent, `{ $.star = "a*b" }`, true},
		"* inside not glob": {`{"s": "aXYZb"}`, `{ $.s = "a*b" }`, false},
		"* escaped at end":  {`{"s": "ab*"}`, `{ $.s = "ab\*" }`, true},
		"* escaped no glob": {`{"s": "abc"}`, `{ $.s = "ab\*" }`, false},
		"!= with *":         {grammarEvent, `{ $.eventName != Put* }`, true},
		"* on number text":  {grammarEvent, `{ $.status = 4* }`, true},
		"* on number no":    {grammarEvent, `{ $.status = 5* }`, false},

		// Numbers.
		"= number":                 {grammarEvent, `{ $.status = 404 }`, true},
		"= number other spelling":  {grammarEvent, `{ $.status = 4.04e2 }`, true},
		"= number plus sign":       {grammarEvent, `{ $.status = +404 }`, true},
		"!= number":                {grammarEvent, `{ $.status != 500 }`, true},
		"!= number same":           {grammarEvent, `{ $.status != 404 }`, false},
		"< yes":                    {grammarEvent, `{ $.status < 500 }`, true},
		"< no":                     {grammarEvent, `{ $.status < 404 }`, false},
		"<= equal":                 {grammarEvent, `{ $.status <= 404 }`, true},
		"> decimal":                {grammarEvent, `{ $.latency > 512 }`, true},
		"> no":                     {grammarEvent, `{ $.latency > 512.5 }`, false},
		">= equal":                 {grammarEvent, `{ $.latency >= 512.5 }`, true},
		"< scientific":             {grammarEvent, `{ $.tiny < 10e-3 }`, true},
		"> negative":               {grammarEvent, `{ $.negative > -8 }`, true},
		"< on a string":            {grammarEvent, `{ $.numericString < 1000 }`, false},
		"> on null":                {grammarEvent, `{ $.nothing > 0 }`, false},
		"> absent":                 {grammarEvent, `{ $.missing > 0 }`, false},
		"= number vs string":       {grammarEvent, `{ $.recipientAccountId = 111122223333 }`, true},
		"= quoted vs number":       {grammarEvent, `{ $.account = "111122223333" }`, true},
		"= number in array":        {grammarEvent, `{ $.list[0] = 10 }`, true},
		"= object in array":        {grammarEvent, `{ $.list[3].twelve >= 12 }`, true},
		"= index out of range":     {grammarEvent, `{ $.list[4] = 10 }`, false},
		"not exists out of range":  {grammarEvent, `{ $.list[4] NOT EXISTS }`, true},
		"not exists element":       {grammarEvent, `{ $.list[1] NOT EXISTS }`, false},
		"is null element":          {grammarEvent, `{ $.list[2] IS NULL }`, true},
		"not exists null is there": {grammarEvent, `{ $.nothing NOT EXISTS }`, false},
		"not exists object":        {grammarEvent, `{ $.object NOT EXISTS }`, false},
		"not exists deep":          {grammarEvent, `{ $.object.inner.gone NOT EXISTS }`, true},
		"not exists below string":  {grammarEvent, `{ $.eventName.x NOT EXISTS }`, true},
		"is null absent":           {grammarEvent, `{ $.missing IS NULL }`, false},
		"is null string":           {grammarEvent, `{ $.empty IS NULL }`, false},
		"is true":                  {grammarEvent, `{ $.on IS TRUE }`, true},
		"is true on false":         {grammarEvent, `{ $.flag IS TRUE }`, false},
		"is false":                 {grammarEvent, `{ $.flag IS FALSE }`, true},
		"is false on string":       {grammarEvent, `{ $.eventName IS FALSE }`, false},
		"deep object":              {grammarEvent, `{ $.object.inner.deep = x }`, true},

		// && || and parentheses.
		"and both":          {grammarEvent, `{ $.status = 404 && $.on IS TRUE }`, true},
		"and one":           {grammarEvent, `{ $.status = 404 && $.flag IS TRUE }`, false},
		"or one":            {grammarEvent, `{ $.status = 500 || $.on IS TRUE }`, true},
		"or none":           {grammarEvent, `{ $.status = 500 || $.flag IS TRUE }`, false},
		"and before or":     {grammarEvent, `{ $.on IS TRUE || $.status = 500 && $.flag IS TRUE }`, true},
		"parentheses first": {grammarEvent, `{ ($.on IS TRUE || $.status = 500) && $.flag IS TRUE }`, false},
		"nested":            {grammarEvent, `{ ((($.status = 404)) && (($.eventName = x) || ($.latency > 1))) }`, true},
		"whitespace":        {grammarEvent, "\n\t{\n\t$.status\t>=\n400\r\n&&\n(\t$.eventName\n=\n\"Delete*\"\t)\n}\n", true},
		"no whitespace":     {grammarEvent, `{($.status>=400)&&($.eventName="Delete*")||($.x=1)}`, true},

		// Events that are not JSON objects.
		"not json":        {`ERROR something failed`, `{ $.x NOT EXISTS }`, false},
		"truncated":       {`{"eventName": "ConsoleLogin"`, `{ $.eventName = ConsoleLogin }`, false},
		"trailing text":   {`{"eventName": "ConsoleLogin"} trailing`, `{ $.eventName = ConsoleLogin }`, false},
		"two objects":     {`{"a": 1}{"a": 1}`, `{ $.a = 1 }`, false},
		"array event":     {`[{"a": 1}]`, `{ $.a NOT EXISTS }`, false},
		"string event":    {`"text"`, `{ $.a NOT EXISTS }`, false},
		"empty event":     {``, `{ $.a NOT EXISTS }`, false},
		"bad escape":      {`{"a": "\q"}`, `{ $.b NOT EXISTS }`, false},
		"control char":    {"{\"a\": \"x\ty\"}", `{ $.b NOT EXISTS }`, false},
		"leading zero":    {`{"a": 01}`, `{ $.b NOT EXISTS }`, false},
		"bad literal":     {`{"a": nul}`, `{ $.b NOT EXISTS }`, false},
		"trailing comma":  {`{"a": 1,}`, `{ $.b NOT EXISTS }`, false},
		"single quotes":   {`{'a': 1}`, `{ $.b NOT EXISTS }`, false},
		"padded object":   {" \n {\"a\": 1} \n ", `{ $.a = 1 }`, true},
		"empty pattern":   {`not even JSON`, ``, true},
		"blank pattern":   {`{"a": 1}`, " \t\n", true},
		"invalid utf8":    {"{\"a\": \"\xff\"}", `{ $.a = "` + "\uFFFD" + `" }`, true},
		"escaped key":     {`{"\u0061": 1}`, `{ $.a = 1 }`, true},
		"surrogate":       {`{"a": "\ud83d\ude00"}`, `{ $.a = "😀" }`, true},
		"deep nesting ok": {`{"a":` + repeat("[", 100) + repeat("]", 100) + `}`, `{ $.b NOT EXISTS }`, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Match([]byte(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Match(%s) on %s = %v, want %v", tc.pattern, tc.event, got, tc.want)
			}
			// matchValue must agree on every event encoding/json accepts.
			if json.Valid([]byte(tc.event)) {
				if mv := p.matchValue(decode(t, []byte(tc.event))); mv != got {
					t.Errorf("matchValue = %v, Match = %v", mv, got)
				}
			}
		})
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

func TestMatchDepthLimit(t *testing.T) {
	p, err := Parse(`{ $.b NOT EXISTS }`)
	if err != nil {
		t.Fatal(err)
	}
	for _, depth := range []int{maxDepth - 1, maxDepth} {
		event := []byte(`{"a":` + repeat("[", depth) + repeat("]", depth) + `}`)
		got, _ := p.Match(event)
		if want := json.Valid(event); got != want {
			t.Errorf("depth %d: Match = %v, json.Valid = %v", depth+1, got, want)
		}
	}
}

func TestMatchValueOracleTypes(t *testing.T) {
	tests := map[string]struct {
		event   any
		pattern string
		want    bool
	}{
		"float64":         {map[string]any{"n": 404.0}, `{ $.n = 404 }`, true},
		"float64 text":    {map[string]any{"n": 404.0}, `{ $.n = 40* }`, true},
		"int":             {map[string]any{"n": 7}, `{ $.n > 6 }`, true},
		"int64":           {map[string]any{"n": int64(7)}, `{ $.n < 8 }`, true},
		"uint64":          {map[string]any{"n": uint64(7)}, `{ $.n = 7 }`, true},
		"json.Number":     {map[string]any{"n": json.Number("1e3")}, `{ $.n = 1000 }`, true},
		"other type":      {map[string]any{"n": struct{}{}}, `{ $.n NOT EXISTS }`, false},
		"other type cmp":  {map[string]any{"n": struct{}{}}, `{ $.n != 1 }`, false},
		"not a map":       {[]any{"x"}, `{ $.n NOT EXISTS }`, false},
		"nil event":       {nil, `{ $.n NOT EXISTS }`, false},
		"empty pattern":   {"anything", ``, true},
		"nested []any":    {map[string]any{"a": []any{map[string]any{"b": "c"}}}, `{ $.a[0].b = c }`, true},
		"index on object": {map[string]any{"a": map[string]any{"0": "c"}}, `{ $.a[0] = c }`, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.matchValue(tc.event); got != tc.want {
				t.Errorf("matchValue = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatchNilAndZeroPattern(t *testing.T) {
	var nilPattern *Pattern
	if _, err := nilPattern.Match([]byte(`{}`)); err == nil {
		t.Error("Match on a nil *Pattern: want an error")
	}
	if nilPattern.matchValue(map[string]any{}) {
		t.Error("matchValue on a nil *Pattern matched")
	}
	var zero Pattern
	if ok, err := zero.Match([]byte("plain text")); !ok || err != nil {
		t.Errorf("the zero Pattern is the empty pattern: got %v, %v", ok, err)
	}
}

func TestMatchManySelectors(t *testing.T) {
	// More selectors than Match keeps on the stack.
	pattern, event := "{ $.k0 = 0", `{"k0": 0`
	for i := 1; i < 40; i++ {
		pattern += " && $.k" + strconv.Itoa(i) + " = " + strconv.Itoa(i)
		event += `, "k` + strconv.Itoa(i) + `": ` + strconv.Itoa(i)
	}
	p, err := Parse(pattern + " }")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := p.Match([]byte(event + "}")); !ok {
		t.Error("no match with 40 selectors")
	}
}

// TestMatchConcurrent shares one Pattern between goroutines; run with
// -race.
func TestMatchConcurrent(t *testing.T) {
	e, _ := Lookup("RootUserActivity")
	p, err := Parse(e.Pattern)
	if err != nil {
		t.Fatal(err)
	}
	root, other := readEvent(t, "root-console-login"), readEvent(t, "root-invoked-by-service")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if ok, _ := p.Match(root); !ok {
					t.Error("root console login did not match")
					return
				}
				if ok, _ := p.Match(other); ok {
					t.Error("a call invoked by a service matched")
					return
				}
			}
		})
	}
	wg.Wait()
}
