package inventory_test

// The tests parse whole foundations, so every layer's section of
// foundation.yaml is registered, as in the CLI.
import _ "github.com/groundwork-aws/groundwork/internal/layer/all"
