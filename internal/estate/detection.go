package estate

// Detection is what the audit reads, in every account and Region of its
// scope, of the services that look for trouble: whether AWS Security Hub
// is on and which IAM Access Analyzer analyzers there are (CIS AWS
// Foundations Benchmark v3.0.0 4.16 and 1.20). It is actual only.
//
// Each part is a map keyed by the place it was read, Where.String(). A
// place without an entry was not read there: checks make no judgement
// there.
type Detection struct {
	// Accounts and Regions are where the layer was read, sorted.
	Accounts []string
	Regions  []string
	// SecurityHub is the account's Security Hub in each place: nil when
	// it is not enabled there.
	SecurityHub map[string]*SecurityHub
	// Analyzers are the IAM Access Analyzer analyzers of each place,
	// whatever their status.
	Analyzers map[string][]*Analyzer
}

// NewDetection returns an empty detection layer.
func NewDetection() *Detection {
	return &Detection{SecurityHub: map[string]*SecurityHub{}, Analyzers: map[string][]*Analyzer{}}
}

// SecurityHub is an account's AWS Security Hub in one Region, enabled.
type SecurityHub struct {
	Where
	ARN string // the hub's ARN
}

// Analyzer is an IAM Access Analyzer analyzer.
type Analyzer struct {
	Where
	Name string
	ARN  string `json:",omitempty"`
	// Type is ACCOUNT, ORGANIZATION or one of the unused-access types;
	// Status ACTIVE, CREATING, DISABLED or FAILED.
	Type   string
	Status string
}

// AnalyzerActive is the Status of an analyzer that analyzes.
const AnalyzerActive = "ACTIVE"
