// Package spec reads foundation.yaml: the one file in which a platform team
// declares its AWS foundation. Load parses it with positions, rejects unknown
// keys and wrong types, applies the defaults of the guidance, checks the
// naming conventions, Regions and references, and reports every problem at
// once as Diagnostics carrying file, line, column and field path.
package spec
