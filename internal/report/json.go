package report

import (
	"encoding/json"
	"io"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// JSON renders the result as one indented JSON document whose shape is
// stable for scripts:
//
//	{"checks_run": 7,
//	 "summary": {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0},
//	 "findings": [{"check_id": ..., "severity": "high", ...}]}
//
// findings is [] (never null) when there are none, sorted most severe first.
type JSON struct{ Meta Meta }

var _ Writer = JSON{}

type jsonReport struct {
	ChecksRun int             `json:"checks_run"`
	Summary   jsonSummary     `json:"summary"`
	Findings  []audit.Finding `json:"findings"`
}

// jsonSummary is a struct, not a map, to keep its keys most severe first.
type jsonSummary struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, r audit.Result) error {
	fs := sorted(r.Findings)
	if fs == nil {
		fs = []audit.Finding{}
	}
	n := counts(fs)
	doc := jsonReport{
		ChecksRun: len(r.Checks),
		Summary: jsonSummary{
			Critical: n[audit.Critical], High: n[audit.High], Medium: n[audit.Medium], Low: n[audit.Low], Info: n[audit.Info],
		},
		Findings: fs,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // remediations say "<key>"; keep them readable
	return enc.Encode(doc)
}
