package awssim

import (
	"maps"
	"net/http"
	"strings"
)

// A JSON operation answers its output, or an error code (and then out
// is the message, when a string).
type jsonOp func(a *account, c *call) (out any, code string)

// jsonRead and jsonWrite serve a JSON (or rest-JSON) operation on the
// caller's state, locked.
func jsonRead(op jsonOp) handler  { return jsonHandler(op, false) }
func jsonWrite(op jsonOp) handler { return jsonHandler(op, true) }

func jsonHandler(op jsonOp, write bool) handler {
	return func(s *Server, w http.ResponseWriter, c *call) {
		a := s.lock(c)
		out, code := op(a, c)
		a.mu.Unlock()
		if code != "" {
			msg, _ := out.(string)
			if msg == "" {
				msg = code
			}
			if strings.Contains(code, "NotFound") || strings.HasPrefix(code, "NoSuch") {
				notFound(w, c, code, msg)
			} else {
				writeError(w, c, http.StatusBadRequest, code, msg)
			}
			return
		}
		if write {
			s.Writes.Add(1)
		}
		writeJSON(w, out)
	}
}

// visible is a stored object without the simulator's own fields (those
// named "sim:...").
func visible(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !strings.HasPrefix(k, "sim:") {
			out[k] = v
		}
	}
	return out
}

// merged is base with the fields of over set on it.
func merged(base, over map[string]any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, over)
	return out
}

// list is a collection's objects in name order, as AWS lists them.
func list(items map[string]any, keep func(map[string]any) bool) []any {
	out := []any{}
	for _, name := range sortedKeys(items) {
		m, ok := items[name].(map[string]any)
		if ok && (keep == nil || keep(m)) {
			out = append(out, visible(m))
		}
	}
	return out
}
