#!/usr/bin/env bash
# Starts the pinned moto server on a free loopback port and prints its URL.
# Usage: eval "$(scripts/moto.sh start)"  -> sets MOTO_PID and AWS_ENDPOINT_URL
#        scripts/moto.sh stop "$MOTO_PID"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in
start)
  "$root/scripts/venv.sh"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  log="$(mktemp -t moto.XXXXXX.log)"
  # AWS's managed policies exist in every real account; moto loads them
  # only when asked.
  MOTO_IAM_LOAD_MANAGED_POLICIES=true "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
      echo "export MOTO_PID=$pid AWS_ENDPOINT_URL=http://127.0.0.1:$port"
      exit 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "moto_server exited; its log:" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.2
  done
  echo "moto_server did not answer on port $port within 60s" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
  ;;
stop)
  kill "${2:?pid}" 2>/dev/null || true
  ;;
*)
  echo "usage: $0 start | stop PID" >&2
  exit 2
  ;;
esac
