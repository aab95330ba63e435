package kinds

import (
	"bytes"
	"encoding/json"
	"strings"
)

// PrettyJSON re-indents a JSON document with sorted keys for display and
// comparison; invalid JSON is returned as it is.
func PrettyJSON(doc string) string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return doc
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return doc
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// CompactJSON minifies a document the way it is sent to AWS, keeping key
// order; the SCP size limit counts this form.
func CompactJSON(doc string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		return doc
	}
	return buf.String()
}
