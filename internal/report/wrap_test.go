package report

import (
	"strings"
	"testing"
)

func TestWrapText(t *testing.T) {
	tests := map[string]struct {
		s                  string
		width, col, indent int
		want               string
	}{
		"fits":        {s: "one two three", width: 20, col: 4, indent: 4, want: "one two three"},
		"wraps":       {s: "one two three four", width: 16, col: 4, indent: 6, want: "one two\n      three four"},
		"long word":   {s: "a arn:aws:iam::123456789012:role/very-long b", width: 12, col: 0, indent: 2, want: "a\n  arn:aws:iam::123456789012:role/very-long\n  b"},
		"newlines":    {s: "first line\n  indented more words", width: 16, col: 2, indent: 2, want: "first line\n    indented\n    more words"},
		"no word cut": {s: "abc def", width: 5, col: 0, indent: 0, want: "abc\ndef"},
		"empty":       {s: "", width: 10, col: 3, indent: 3, want: ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := wrapText(tt.s, tt.width, tt.col, tt.indent); got != tt.want {
				t.Errorf("wrapText(%q) =\n%q\nwant\n%q", tt.s, got, tt.want)
			}
		})
	}
}

// The text report keeps within its width, but for words longer than a
// line, and a narrower width wraps more.
func TestTextWrapsAtWidth(t *testing.T) {
	for _, width := range []int{60, 80, 100, 160} {
		m := meta
		m.Width = width
		out := string(render(t, Text{Meta: m}, incomplete()))
		for _, line := range strings.Split(out, "\n") {
			if len([]rune(line)) > width && strings.Contains(strings.TrimSpace(line), " ") {
				t.Errorf("width %d: line of %d columns: %q", width, len([]rune(line)), line)
			}
		}
	}
	m := meta
	m.Width = 60
	narrow := strings.Count(string(render(t, Text{Meta: m}, incomplete())), "\n")
	wide := strings.Count(string(render(t, Text{Meta: meta}, incomplete())), "\n")
	if narrow <= wide {
		t.Errorf("60 columns give %d lines, %d give %d", narrow, DefaultWidth, wide)
	}
	m.Width = 10
	if got, floor := string(render(t, Text{Meta: m}, incomplete())), string(render(t, Text{Meta: Meta{Width: minWidth, Version: meta.Version, Spec: meta.Spec, Generated: meta.Generated, AccountNames: meta.AccountNames}}, incomplete())); got != floor {
		t.Errorf("a width below %d is not read as %d", minWidth, minWidth)
	}
}
