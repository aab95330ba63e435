package awssim

import (
	"encoding/json"
	"net/http"
)

// Stats are a simulator's counts: the calls each "service operation"
// got (throttled ones included), those answered NotImplemented, the
// calls throttled and the calls that changed the state, and the
// Organizations calls by calling account (the management account's
// budget is the scarcest; delegated administrators have their own).
type Stats struct {
	Calls              map[string]int64 `json:"calls"`
	NotServed          map[string]int64 `json:"not_served"`
	Throttled          int64            `json:"throttled"`
	Writes             int64            `json:"writes"`
	OrganizationsCalls map[string]int64 `json:"organizations_calls"`
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	return Stats{Calls: s.Calls(), NotServed: s.NotServed(), Throttled: s.Throttled.Load(), Writes: s.Writes.Load(),
		OrganizationsCalls: counts(&s.orgCallers)}
}

// Since returns the counts made after earlier was taken.
func (st Stats) Since(earlier Stats) Stats {
	return Stats{Calls: minus(st.Calls, earlier.Calls), NotServed: minus(st.NotServed, earlier.NotServed),
		Throttled: st.Throttled - earlier.Throttled, Writes: st.Writes - earlier.Writes,
		OrganizationsCalls: minus(st.OrganizationsCalls, earlier.OrganizationsCalls)}
}

// minus returns the counts of now that grew since earlier, by how much.
func minus(now, earlier map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, n := range now {
		if d := n - earlier[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// StatsPath is where Remote answers a GET with the simulator's Stats as
// JSON. No AWS request has this path: S3 bucket names cannot hold an
// underscore.
const StatsPath = "/_awssim/stats"

// Remote serves s, and its Stats at StatsPath, for a simulator run in a
// process of its own (so that the memory of what it serves is measured
// apart from the simulator's own). extra, when set, adds to the Stats
// answer, e.g. the serving process's peak memory.
func Remote(s *Server, extra func() map[string]int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != StatsPath || r.Method != http.MethodGet {
			s.ServeHTTP(w, r)
			return
		}
		out := struct {
			Stats
			Extra map[string]int64 `json:"extra,omitempty"`
		}{Stats: s.Stats()}
		if extra != nil {
			out.Extra = extra()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
}
