package estate

// Scope says where a whole-estate read looks: the accounts (by key, as in
// Estate.Accounts) and the Regions. The audit reads the posture and network
// of every active account in every operational Region; HomeRegion is where
// account-wide APIs (IAM, S3 Control) are called.
type Scope struct {
	Accounts   []string
	Regions    []string
	HomeRegion string
}

// Drift is one difference between the spec and the live organization, as
// a plan reports it: the audit turns each into a finding when a spec is
// given.
type Drift struct {
	// Action is what apply would do: "create", "update" or "delete".
	Action string
	// Kind and Address name the resource as the plan does:
	// "trail", "trail/123456789012/eu-west-1/org-trail".
	Kind    string
	Address string
	// Account is the account ID the resource is in, when known; Region
	// its Region for regional resources.
	Account string
	Region  string
	// Summary says what differs: "is_logging: false -> true".
	Summary string
}
