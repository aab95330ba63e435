#!/usr/bin/env bash
# The groundwork demo: a brand-new organization built from the recommended
# foundation against a local AWS API server (moto), then checked.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gw="$root/bin/groundwork"
aws="$root/.venv/bin/aws"

eval "$("$root/scripts/moto.sh" start)"
work="$(mktemp -d -t groundwork-demo.XXXXXX)"
trap '"$root/scripts/moto.sh" stop "$MOTO_PID"; rm -rf "$work"' EXIT

# Test credentials for the local server only; nothing leaves this machine.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE
cd "$work"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "local AWS API at $AWS_ENDPOINT_URL; working in $work"
step "groundwork init --org-id primary --domain example.com --home-region us-east-1 --regions us-east-1,eu-west-1"
"$gw" init --org-id primary --domain example.com --home-region us-east-1 --regions us-east-1,eu-west-1
# A workload pair, so the plan shows production and non-production apart.
cat >>foundation.yaml <<'YAML'

# Added by the demo: one workload in production and non-production.
  payments-prod:    { unit: Workloads/Prod,    role: workload, workload: payments, environment: prod }
  payments-nonprod: { unit: Workloads/NonProd, role: workload, workload: payments, environment: nonprod }
YAML
# Move the appended accounts under the accounts: mapping.
python3 - <<'PY'
src = open("foundation.yaml").read()
head, tail = src.split("\n# Added by the demo", 1)
extra = "\n".join(l for l in tail.splitlines()[1:] if l.strip())
head = head.replace("    role: identity-center\n", "    role: identity-center\n" + extra + "\n", 1)
open("foundation.yaml", "w").write(head)
PY

step "groundwork validate"
"$gw" validate

step "groundwork plan"
"$gw" plan --stats

step "groundwork apply --auto-approve"
"$gw" apply --auto-approve --stats

step "groundwork plan (again: expect no changes and no writes)"
"$gw" plan --stats --detailed-exitcode

step "aws organizations list-accounts (independent check)"
"$aws" organizations list-accounts --query 'Accounts[].[Name,Email,Id]' --output table

step "groundwork audit"
"$gw" audit

step "done: the foundation matches the spec and the audit is clean"
