package kinds

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// DuplicateNotes says, for each name several resources of actual share,
// which one groundwork sees and manages and what to do about the others:
// a plan must never hide a second account of one e-mail or a second OU at
// one path behind the first.
func DuplicateNotes(actual *estate.Estate) []string {
	var notes []string
	for _, d := range actual.Duplicates {
		others := strings.Join(d.IDs[1:], ", ")
		switch d.What {
		case estate.DuplicateUnitPath:
			notes = append(notes, fmt.Sprintf("duplicate: %d OUs are at %s (%s); groundwork manages only %s and what is in it, and leaves %s alone: move what they hold and delete them by hand",
				len(d.IDs), estate.DisplayPath(d.Key), strings.Join(d.IDs, ", "), d.IDs[0], others))
		case estate.DuplicateAccountName:
			notes = append(notes, fmt.Sprintf("duplicate: %d accounts are named %q (%s); groundwork tells them apart by e-mail only, people by name: rename all but one",
				len(d.IDs), d.Key, strings.Join(d.IDs, ", ")))
		default:
			notes = append(notes, fmt.Sprintf("duplicate: %d accounts share the %s %q (%s); groundwork manages only %s and leaves %s alone: close or rename the others",
				len(d.IDs), d.What, d.Key, strings.Join(d.IDs, ", "), d.IDs[0], others))
		}
	}
	return notes
}
