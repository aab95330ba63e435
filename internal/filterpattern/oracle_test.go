package filterpattern

import (
	"encoding/json"
	"strconv"
)

// The tests' second evaluator: it walks an event decoded by encoding/json,
// where Match scans the bytes in one pass. The two must agree on every
// event, which the match tests check.

// matchValue reports whether an event already decoded by encoding/json
// matches: v must be a map[string]any, or it does not match. Decode with
// json.Decoder.UseNumber to keep numbers as written, so that wildcards see
// the same text Match sees; float64 and the integer types work too. Any
// other type inside v is not a value node (neither string nor number).
func (p *Pattern) matchValue(v any) bool {
	if p == nil {
		return false
	}
	if p.root == nil {
		return true
	}
	if _, ok := v.(map[string]any); !ok {
		return false
	}
	vals := make([]value, len(p.paths))
	for i, sel := range p.paths {
		vals[i] = lookup(v, sel)
	}
	return p.root.eval(vals)
}

// lookup follows sel through a decoded event.
func lookup(v any, sel path) value {
	for _, s := range sel {
		if s.isIndex {
			a, ok := v.([]any)
			if !ok || s.index >= len(a) {
				return value{}
			}
			v = a[s.index]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return value{}
		}
		if v, ok = m[s.key]; !ok {
			return value{}
		}
	}
	switch x := v.(type) {
	case nil:
		return value{kind: kindNull}
	case bool:
		if x {
			return value{kind: kindTrue}
		}
		return value{kind: kindFalse}
	case string:
		return value{kind: kindString, text: []byte(x)}
	case json.Number:
		return value{kind: kindNumber, text: []byte(x)}
	case float64:
		// encoding/json's own spelling, the nearest to what was written.
		b, err := json.Marshal(x)
		if err != nil { // NaN or ±Inf: not JSON, cannot come from decoding
			return value{kind: kindObject}
		}
		return value{kind: kindNumber, text: b}
	case float32:
		return value{kind: kindNumber, text: strconv.AppendFloat(nil, float64(x), 'g', -1, 32)}
	case int:
		return value{kind: kindNumber, text: strconv.AppendInt(nil, int64(x), 10)}
	case int64:
		return value{kind: kindNumber, text: strconv.AppendInt(nil, x, 10)}
	case int32:
		return value{kind: kindNumber, text: strconv.AppendInt(nil, int64(x), 10)}
	case uint64:
		return value{kind: kindNumber, text: strconv.AppendUint(nil, x, 10)}
	case []any:
		return value{kind: kindArray}
	}
	return value{kind: kindObject}
}
