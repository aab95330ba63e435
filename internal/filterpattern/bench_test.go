package filterpattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// benchEvents is how many CloudTrail records BenchmarkMatch reads per
// iteration: about a busy account's day in one Region.
const benchEvents = 100_000

var (
	benchOnce    sync.Once
	benchRecords [][]byte
	benchBytes   int64
)

// commonCalls are the read calls that make most of a real trail: the
// records a filter mostly has to reject.
var commonCalls = []struct{ source, name string }{
	{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"},
	{"s3.amazonaws.com", "ListBuckets"}, {"s3.amazonaws.com", "GetBucketAcl"},
	{"sts.amazonaws.com", "AssumeRole"}, {"kms.amazonaws.com", "Decrypt"},
	{"kms.amazonaws.com", "GenerateDataKey"}, {"iam.amazonaws.com", "GetRole"},
	{"config.amazonaws.com", "DescribeConfigRules"}, {"logs.amazonaws.com", "DescribeLogGroups"},
	{"cloudtrail.amazonaws.com", "LookupEvents"}, {"organizations.amazonaws.com", "ListAccounts"},
}

// syntheticRecords makes benchEvents varied CloudTrail records from the
// records in testdata: nine in ten are common read calls, the rest every
// kind of record in testdata, each with its own time, IDs and source
// address. The seed is fixed, so every run reads the same records.
func syntheticRecords(b *testing.B) [][]byte {
	benchOnce.Do(func() {
		files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
		if err != nil || len(files) == 0 {
			b.Fatalf("no records in testdata: %v", err)
		}
		var templates []map[string]any
		for _, f := range files {
			templates = append(templates, decode(b, readEvent(b, strings.TrimSuffix(filepath.Base(f), ".json"))).(map[string]any))
		}
		var read map[string]any
		for i, f := range files {
			if strings.HasSuffix(f, "describe-instances.json") {
				read = templates[i]
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		benchRecords = make([][]byte, benchEvents)
		for i := range benchRecords {
			var rec map[string]any
			if rng.IntN(10) < 9 {
				rec = clone(read)
				call := commonCalls[rng.IntN(len(commonCalls))]
				rec["eventSource"], rec["eventName"] = call.source, call.name
			} else {
				rec = clone(templates[rng.IntN(len(templates))])
			}
			rec["eventTime"] = fmt.Sprintf("2024-05-%02dT%02d:%02d:%02dZ", 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60))
			rec["eventID"] = fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
			rec["requestID"] = fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
			rec["sourceIPAddress"] = fmt.Sprintf("198.51.100.%d", rng.IntN(256))
			data, err := json.Marshal(rec)
			if err != nil {
				b.Fatal(err)
			}
			benchRecords[i] = data
			benchBytes += int64(len(data))
		}
	})
	return benchRecords
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v // nested values are shared: only top-level fields change
	}
	return out
}

// BenchmarkMatch reads benchEvents synthetic CloudTrail records per
// iteration with a simple library pattern (one condition) and a complex
// one (19 conditions), and, for comparison, decodes each record with
// encoding/json before evaluating the complex pattern with matchValue.
func BenchmarkMatch(b *testing.B) {
	records := syntheticRecords(b)
	for _, bc := range []struct {
		name, entry string
		decode      bool
	}{
		{"simple/ConsoleSignIn", "ConsoleSignIn", false},
		{"complex/OrganizationsChanges", "OrganizationsChanges", false},
		{"complex/OrganizationsChanges/encoding-json+matchValue", "OrganizationsChanges", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, _ := Lookup(bc.entry)
			p, err := Parse(e.Pattern)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(benchBytes)
			b.ReportAllocs()
			matched := 0
			for b.Loop() {
				matched = 0
				for _, rec := range records {
					var ok bool
					if bc.decode {
						dec := json.NewDecoder(bytes.NewReader(rec))
						dec.UseNumber()
						var v any
						if err := dec.Decode(&v); err != nil {
							b.Fatal(err)
						}
						ok = p.matchValue(v)
					} else if ok, err = p.Match(rec); err != nil {
						b.Fatal(err)
					}
					if ok {
						matched++
					}
				}
			}
			if matched == 0 {
				b.Fatalf("%s matched none of %d records", bc.entry, len(records))
			}
			b.ReportMetric(float64(len(records))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(matched), "matched")
		})
	}
}
