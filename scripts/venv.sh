#!/usr/bin/env bash
# Creates .venv with the pinned moto server and AWS CLI (scripts/requirements.txt).
# Idempotent: does nothing when the installed set already matches.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.requirements"
if [[ -x "$venv/bin/moto_server" && -x "$venv/bin/aws" && -f "$stamp" ]] && cmp -s "$stamp" "$root/scripts/requirements.txt"; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/scripts/requirements.txt"
cp "$root/scripts/requirements.txt" "$stamp"
echo "venv: moto and awscli installed in $venv" >&2
