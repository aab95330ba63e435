package policy

import "testing"

func TestLocate(t *testing.T) {
	src := []byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Maybe\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n  ]\n}\n")
	tests := map[string]struct {
		src       []byte
		p         Problem
		line, col int
	}{
		"field of a statement": {src, Problem{Statement: 1, Field: "Effect"}, 5, 16},
		"statement":            {src, Problem{Statement: 1}, 5, 5},
		"document field":       {src, Problem{Statement: -1, Field: "Version"}, 2, 14},
		"document":             {src, Problem{Statement: -1}, 1, 1},
		"unknown field":        {src, Problem{Statement: 0, Field: "Condition"}, 4, 5},
		"single statement":     {[]byte(`{"Statement": {"Effect": "X"}}`), Problem{Statement: 0, Field: "Effect"}, 1, 26},
		"syntax error":         {[]byte("{\n  \"a\": }"), Problem{Statement: -1}, 2, 8},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if line, col := Locate(tt.src, tt.p); line != tt.line || col != tt.col {
				t.Errorf("Locate = %d:%d, want %d:%d", line, col, tt.line, tt.col)
			}
		})
	}
}
