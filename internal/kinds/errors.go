package kinds

import (
	"errors"
	"fmt"
)

var errNoRoot = errors.New("the organization has no root")

type missingUnitError struct{ path string }

func (e *missingUnitError) Error() string {
	return fmt.Sprintf("OU %s does not exist yet; it should have been created earlier in this apply", e.path)
}
