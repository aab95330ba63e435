package checklist

import (
	"encoding/json"
	"io"
)

// JSON renders the checklist as one indented JSON document whose shape is
// stable for scripts:
//
//	{"summary": {"todo": 1, "unknown": 0, "manual": 7, "done": 6},
//	 "items": [{"id": "CL-001", "title": ..., "state": "manual", ...}]}
//
// items keeps Run's order (by ID) and is [] (never null) when empty.
type JSON struct{}

var _ Writer = JSON{}

type jsonChecklist struct {
	Summary jsonSummary `json:"summary"`
	Items   []Item      `json:"items"`
}

// jsonSummary is a struct, not a map, to keep its keys in report order.
type jsonSummary struct {
	Todo    int `json:"todo"`
	Unknown int `json:"unknown"`
	Manual  int `json:"manual"`
	Done    int `json:"done"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, items []Item) error {
	if items == nil {
		items = []Item{}
	}
	n := Count(items)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // console paths say "a > b"; keep them readable
	return enc.Encode(jsonChecklist{
		Summary: jsonSummary{Todo: n[Todo], Unknown: n[Unknown], Manual: n[Manual], Done: n[Done]},
		Items:   items,
	})
}
