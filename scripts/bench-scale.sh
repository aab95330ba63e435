#!/usr/bin/env bash
# Regenerates the figures of docs/benchmarks.md, "Organization scale":
# each benchmark's output and --stats, under the command that made it,
# after a header naming the machine and its load. The simulator runs in
# a process of its own (GROUNDWORK_SIM_PROCESS=separate), so that each
# benchmark's peak-RSS-MB and peak-live-heap-MB are groundwork's alone.
# Usage:
#   scripts/bench-scale.sh OUTDIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-bench-results}" && cd "${1:-bench-results}" && pwd)"
cd "$root"
log="$out/benchmarks.txt"
{
  echo "# groundwork $(git describe --tags --always --dirty 2>/dev/null || echo dev), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2 " GB"}'), $(uname -sr)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(go version)"
} >"$log"

run() { # run TITLE ENV... -- COMMAND...
  local title="$1"; shift
  local env=()
  while [[ "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  { echo; echo "## $title"; echo "\$ ${env[*]} $*"; echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"; } >>"$log"
  env "${env[@]}" /usr/bin/time -v "$@" 2>&1 | grep -E '^(Benchmark|API calls|    .*(calls in|floor)|ok|FAIL|PASS)|Maximum resident|Elapsed \(wall' >>"$log" || true
}

go test -c -o "$out/cli.test" ./internal/cli
go test -c -o "$out/apply.test" ./internal/apply

run "moto: the demo (its plan, apply and audit print --stats)" GROUNDWORK_BENCH_STATS="$out" -- bash -c "scripts/demo.sh >'$out/demo.log' 2>&1; grep '^API calls' '$out/demo.log'"
run "moto: 10 workload accounts x 4 Regions, ratios to the floor" GROUNDWORK_BENCH_ACCOUNTS=10 GROUNDWORK_BENCH_STATS="$out" -- \
  "$out/cli.test" -test.run '^$' -test.bench MotoOrganization -test.benchtime 1x -test.v -test.timeout 30m
run "the apply walk alone" -- "$out/apply.test" -test.run '^$' -test.bench RunWalk -test.benchtime 1x -test.benchmem
for accounts in 1000 10000; do
  run "simulator: plan of $accounts accounts x 4 Regions, no throttling (groundwork's own growth)" \
    GROUNDWORK_SIM_ACCOUNTS=$accounts GROUNDWORK_SIM_LIMITS=none GROUNDWORK_SIM_PROCESS=separate GROUNDWORK_BENCH_STATS="$out" -- \
    "$out/cli.test" -test.run '^$' -test.bench 'SimPlan$' -test.benchtime 1x -test.timeout 60m
done
for step in Plan Audit Apply; do
  run "simulator: $step of 1000 accounts x 4 Regions, 20-80 ms, AWS-like throttling" \
    GROUNDWORK_SIM_ACCOUNTS=1000 GROUNDWORK_SIM_PROCESS=separate GROUNDWORK_BENCH_STATS="$out" -- \
    "$out/cli.test" -test.run '^$' -test.bench "Sim$step\$" -test.benchtime 1x -test.timeout 60m
done
run "simulator: Audit of 10000 accounts x 4 Regions, 20-80 ms, AWS-like throttling (linear growth)" \
  GROUNDWORK_SIM_ACCOUNTS=10000 GROUNDWORK_SIM_PROCESS=separate GROUNDWORK_BENCH_STATS="$out" -- \
  "$out/cli.test" -test.run '^$' -test.bench 'SimAudit$' -test.benchtime 1x -test.timeout 90m
run "simulator: Apply of 10000 accounts x 4 Regions, 20-80 ms, AWS-like throttling (linear growth)" \
  GROUNDWORK_SIM_ACCOUNTS=10000 GROUNDWORK_SIM_PROCESS=separate GROUNDWORK_BENCH_STATS="$out" -- \
  "$out/cli.test" -test.run '^$' -test.bench 'SimApply$' -test.benchtime 1x -test.timeout 150m
echo "figures in $log; each step's --stats beside it" >&2
