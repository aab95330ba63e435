package audit

import (
	"fmt"
	"strings"
)

// Severity ranks a finding. Higher is worse, so thresholds compare with >=.
// The zero value is Info.
type Severity int

// Severities from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities lists every severity, most severe first: the order reports use.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

// String is the lowercase name: "info" ... "critical".
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, ignoring case and surrounding space.
func ParseSeverity(s string) (Severity, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q: valid severities are %s", s, strings.Join(severityNames[:], ", "))
}

// MarshalText encodes the severity as its lowercase name, which is how it
// appears in JSON. It fails for a value outside Info..Critical.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Critical {
		return nil, fmt.Errorf("marshal severity: invalid value %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText is the inverse of MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
