#!/usr/bin/env bash
# Installs the tools the report tests drive, pinned, so that a fresh machine
# runs the same checks as CI:
#   .tools/  the SARIF 2.1.0 schema and the Sarif.Multitool validator, from
#            @microsoft/sarif-multitool-linux (npm)
#   chromium Debian's headless browser, for the HTML report test
# Idempotent and quick when everything is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

sarif_pkg="@microsoft/sarif-multitool-linux"
sarif_version="5.7.0"
tools="$root/.tools"
sarif_dir="$tools/node_modules/$sarif_pkg"
stamp="$tools/.sarif-multitool-version"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$sarif_version" && -f "$sarif_dir/sarif-2.1.0.json" && -x "$sarif_dir/Sarif.Multitool" ]]; then
  :
else
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "$sarif_pkg@$sarif_version"
  chmod +x "$sarif_dir/Sarif.Multitool"
  echo "$sarif_version" >"$stamp"
  echo "tools: $sarif_pkg@$sarif_version installed in $tools" >&2
fi

if [[ ! -x /usr/bin/chromium ]]; then
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "tools: chromium is missing and installing it needs root: apt-get install -y chromium" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists first only when apt does not know chromium
  # yet, and again when they turn out stale (an install that finds the
  # listed version gone from the mirror).
  if ! apt-cache show chromium >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -q
  fi
  if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium; then
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium
  fi
  echo "tools: chromium installed" >&2
fi
