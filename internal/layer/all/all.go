// Package all registers every layer of groundwork: import it for its side
// effects wherever the whole foundation is wanted (the CLI, end-to-end
// tests). Adding a layer is one more line here.
package all

import (
	_ "github.com/groundwork-aws/groundwork/internal/layer/billing"
	_ "github.com/groundwork-aws/groundwork/internal/layer/datastores"
	_ "github.com/groundwork-aws/groundwork/internal/layer/detection"
	_ "github.com/groundwork-aws/groundwork/internal/layer/hardening"
	_ "github.com/groundwork-aws/groundwork/internal/layer/identity"
	_ "github.com/groundwork-aws/groundwork/internal/layer/logging"
	_ "github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	_ "github.com/groundwork-aws/groundwork/internal/layer/network"
	_ "github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	_ "github.com/groundwork-aws/groundwork/internal/layer/posture"
)
