package kinds_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

func TestCreateOnce(t *testing.T) {
	lost := &awsx.MaybeDoneError{Err: errors.New("connection reset by peer")}
	exists := &smithy.GenericAPIError{Code: "EntityAlreadyExists"}
	denied := &smithy.GenericAPIError{Code: "AccessDenied"}
	tests := map[string]struct {
		creates []error // what each create answers; nil after the list
		found   []bool  // what each look answers; false after the list
		wantErr string
		// wantCreates and wantLooks are the calls made; wantRecovered
		// says a recovery is reported.
		wantCreates, wantLooks int
		wantRecovered          bool
	}{
		"made at once":                       {wantCreates: 1},
		"lost response, found made":          {creates: []error{lost}, found: []bool{true}, wantCreates: 1, wantLooks: 1, wantRecovered: true},
		"lost before reaching AWS, made now": {creates: []error{lost}, wantCreates: 2, wantLooks: 1, wantRecovered: true},
		"already exists, adopted":            {creates: []error{exists}, found: []bool{true}, wantCreates: 1, wantLooks: 1, wantRecovered: true},
		"refused":                            {creates: []error{denied}, wantErr: "AccessDenied", wantCreates: 1},
		"lost every time":                    {creates: []error{lost, lost, lost, lost, lost}, wantErr: "gave up after 4 attempts", wantCreates: 4, wantLooks: 3},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			env := &kinds.Env{CreateBackoff: func(int) time.Duration { return 0 }}
			creates, looks := 0, 0
			err := env.CreateOnce(context.Background(), "thing",
				func(context.Context) error {
					creates++
					if creates <= len(tt.creates) {
						return tt.creates[creates-1]
					}
					return nil
				},
				func(context.Context) (bool, error) {
					looks++
					return looks <= len(tt.found) && tt.found[looks-1], nil
				}, "EntityAlreadyExists")
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if creates != tt.wantCreates || looks != tt.wantLooks {
				t.Errorf("%d creates and %d looks, want %d and %d", creates, looks, tt.wantCreates, tt.wantLooks)
			}
			if got := env.Recoveries(); (len(got) > 0) != tt.wantRecovered {
				t.Errorf("recoveries %q, want some: %v", got, tt.wantRecovered)
			}
		})
	}
}

func TestCreateUnlessFound(t *testing.T) {
	lost := &awsx.MaybeDoneError{Err: errors.New("connection reset by peer")}
	denied := &smithy.GenericAPIError{Code: "AccessDenied"}
	tests := map[string]struct {
		found       []bool // what each look answers; false after the list
		lookErr     error  // what the first look fails with
		createErr   error  // what the first create answers
		wantCreated bool
		wantErr     string
		// wantCreates and wantLooks are the calls made.
		wantCreates, wantLooks int
	}{
		"there already":             {found: []bool{true}, wantLooks: 1},
		"missing, made":             {wantCreated: true, wantCreates: 1, wantLooks: 1},
		"lost response, adopted":    {found: []bool{false, true}, createErr: lost, wantCreates: 1, wantLooks: 2},
		"lost before AWS, made now": {createErr: lost, wantCreated: true, wantCreates: 2, wantLooks: 2},
		"look refused":              {lookErr: denied, wantErr: "read thing: api error AccessDenied", wantLooks: 1},
		"create refused":            {createErr: denied, wantErr: "create thing: api error AccessDenied", wantCreates: 1, wantLooks: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			env := &kinds.Env{CreateBackoff: func(int) time.Duration { return 0 }}
			creates, looks := 0, 0
			created, err := env.CreateUnlessFound(context.Background(), "thing",
				func(context.Context) error {
					creates++
					if creates == 1 {
						return tt.createErr
					}
					return nil
				},
				func(context.Context) (bool, error) {
					looks++
					if looks == 1 && tt.lookErr != nil {
						return false, tt.lookErr
					}
					return looks <= len(tt.found) && tt.found[looks-1], nil
				}, "EntityAlreadyExists")
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if created != tt.wantCreated {
				t.Errorf("created = %v, want %v", created, tt.wantCreated)
			}
			if creates != tt.wantCreates || looks != tt.wantLooks {
				t.Errorf("%d creates and %d looks, want %d and %d", creates, looks, tt.wantCreates, tt.wantLooks)
			}
		})
	}
}
