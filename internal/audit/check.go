package audit

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Check is one audit rule.
type Check struct {
	// ID is stable and unique, "GW-<TOPIC>-<NNN>"; users suppress and
	// filter by it.
	ID string
	// Title says what good looks like: "Log Archive account in the Security OU".
	Title    string
	Severity Severity
	// Guidance names the recommendations the check comes from, by guidance
	// file number and section, separated by "; ": "000 Create Security OU;
	// 002 IAM-030". Refs parses it.
	Guidance string
	// Controls are compliance controls the check maps to, only where the
	// mapping is certain, each prefixed by its framework (see Frameworks):
	// "CIS AWS Foundations Benchmark v3.0.0 1.8", "NIST CSF PR.DS-7",
	// "Conformity IAM-030".
	Controls []string
	// Rationale says why the check matters, in a sentence or two: the risk
	// a finding leaves open.
	Rationale string
	// Remediation names the spec field or manual step that fixes a finding.
	Remediation string
	// Reads names what Run looks at beyond the organization's core (its
	// OUs and accounts, without which there is no audit): layers
	// ("hardening") or parts of them ("organization/contacts"), as the
	// layers name what they could not read (inventory.Unread.Read). Where
	// one of them was not read, the check is not evaluated instead of
	// passing for having seen nothing. A check of a layer names at least
	// its layer; a core check names nothing.
	Reads []string
	// Needs says why the check cannot be judged on e at all, "" when it
	// can: a check whose yardstick only the spec gives (which topic is the
	// security topic, how many days a budget period has) returns the
	// reason on an estate the spec does not describe. Such a check is not
	// run; it is reported not evaluated with that reason
	// (Result.Unjudged), never passed. A check without Needs is always
	// judged. Like Run, it must be pure.
	Needs func(e *estate.Estate) string
	// Run returns the check's findings, setting only Resource and Message;
	// Run (the package function) fills in the rest from the Check. It must
	// be pure: no I/O, no AWS calls, no mutation of the estate.
	Run func(e *estate.Estate) []Finding
}

// Finding is one way the estate falls short of a check.
type Finding struct {
	CheckID  string   `json:"check_id"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	// Resource names what is wrong: "account/123456789012 (name)",
	// "ou/Root/Workloads", "organization/o-abc123".
	Resource    string   `json:"resource"`
	Message     string   `json:"message"`
	Remediation string   `json:"remediation"`
	Guidance    string   `json:"guidance"`
	Controls    []string `json:"controls,omitempty"`
	// Account is the ID of the account the finding is in ("" for the
	// organization as a whole); Region is set for regional resources.
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Suppression is the suppression that mutes the finding, set only on
	// Result.Suppressed.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// registry holds checks by ID; safe for concurrent use.
type registry struct {
	mu      sync.Mutex
	checks  map[string]Check
	aliases map[string]CheckAlias
}

var checks = &registry{checks: map[string]Check{}, aliases: map[string]CheckAlias{}}

// Register adds a check to the set Run runs. It is meant for init() and
// panics on a programming error: an empty ID, a nil Run, or an ID already
// registered.
func Register(c Check) { checks.register(c) }

// Checks returns every registered check, sorted by ID.
func Checks() []Check { return checks.all() }

func (r *registry) register(c Check) {
	if strings.TrimSpace(c.ID) == "" {
		panic("audit: register check with empty ID")
	}
	if c.Run == nil {
		panic(fmt.Sprintf("audit: register check %s with nil Run", c.ID))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.checks[c.ID]; dup {
		panic(fmt.Sprintf("audit: check %s registered twice", c.ID))
	}
	if a, ok := r.aliases[c.ID]; ok {
		panic(fmt.Sprintf("audit: check %s registered under the ID retired in favour of %s", c.ID, a.Now))
	}
	r.checks[c.ID] = c
}

func (r *registry) all() []Check {
	r.mu.Lock()
	out := make([]Check, 0, len(r.checks))
	for _, c := range r.checks {
		out = append(out, c)
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b Check) int { return strings.Compare(a.ID, b.ID) })
	return out
}
