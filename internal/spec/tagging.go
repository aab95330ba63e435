package spec

// DefaultTagPolicyName is the name of the tag policy groundwork generates.
const DefaultTagPolicyName = "groundwork-tagging"

// TagPolicyEnabled reports whether the spec asks for a tag policy: unless
// disabled, whenever the dictionary has keys.
func (f *Foundation) TagPolicyEnabled() bool {
	return (f.Tagging.Policy == nil || !f.Tagging.Policy.Disabled) && len(f.Tagging.Required)+len(f.Tagging.Values) > 0
}
