// Package layer is the registry of groundwork's layers. A layer is one
// part of the foundation (the organization's policies, logging,
// monitoring, billing, hardening, ...) and lives in its own package under
// internal/layer, holding its spec section, reader, kinds, checks and
// importer. It registers itself here in init(); the framework (the verbs
// in internal/cli) iterates the registry and never names a layer.
//
// internal/layer/all blank-imports every layer; a binary or test that
// wants the whole foundation imports it.
package layer
