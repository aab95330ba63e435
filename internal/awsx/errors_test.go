package awsx

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

func TestFound(t *testing.T) {
	missing := &smithy.GenericAPIError{Code: "NoSuchEntity"}
	denied := &smithy.GenericAPIError{Code: "AccessDenied"}
	tests := map[string]struct {
		err       error
		wantFound bool
		wantErr   error
	}{
		"answered":         {wantFound: true},
		"no such thing":    {err: missing},
		"refused":          {err: denied, wantErr: denied},
		"not an AWS error": {err: errors.New("connection reset"), wantErr: errors.New("")},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			found, err := Found(tt.err, "NoSuchEntity")
			if found != tt.wantFound || (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("Found(%v) = %v, %v; want %v and an error: %v", tt.err, found, err, tt.wantFound, tt.wantErr != nil)
			}
			if err != nil && err != tt.err {
				t.Errorf("error %v, want the read's own %v", err, tt.err)
			}
		})
	}
}
