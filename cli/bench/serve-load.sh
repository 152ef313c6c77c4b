#!/usr/bin/env bash
# Load on `fpwebhook serve`: requests per second and latency percentiles for valid deliveries,
# each with a fresh id (so each is claimed and completed, not answered as a duplicate), with the
# memory store and with Redis. wrk (Debian's package) sends them; it shares the machine's cores
# with the server, as a load balancer's health would not, so the figures are a floor.
#
#   bash cli/bench/serve-load.sh [CONTRACT] [SECONDS] [CONNECTIONS]
#
# Needs wrk, and Redis (tests/stores/start-servers.sh starts one). Prints the README's rows.
set -euo pipefail
cd "$(dirname "$0")/../.."
contract=${1:-identification-webhook}
seconds=${2:-10}
connections=${3:-32}
work=target/serve-bench
mkdir -p "$work"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
cargo build --release --locked -p fpwebhook >&2
fpwebhook=target/release/fpwebhook
"$fpwebhook" example --contract "$contract" > "$work/example.json"
# The field that identifies a delivery, as the contract names it.
key=$("$fpwebhook" schema --contract "$contract" | python3 -c 'import json,sys; print(json.load(sys.stdin)["x-fingerprint-idempotency-key"])')

cat > "$work/post.lua" <<'LUA'
-- Each request: the example with a fresh id (thread number and counter, at most 20 characters).
local threads, counter, body = 0, 0, nil
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  local file = io.open(os.getenv("BENCH_EXAMPLE"), "r")
  body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  local id = string.format("b%d-%d-%d", tid, os.time() % 100000, counter)
  local pattern = '"' .. os.getenv("BENCH_KEY") .. '"%s*:%s*"[^"]*"'
  local fresh = body:gsub(pattern, '"' .. os.getenv("BENCH_KEY") .. '": "' .. id .. '"', 1)
  return wrk.format(nil, nil, nil, fresh)
end
LUA

run() {
  local store=$1 label=$2
  rm -f "$work/serve.err"
  "$fpwebhook" serve --listen 127.0.0.1:0 --store "$store" > "$work/log.ndjson" 2> "$work/serve.err" &
  local server=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/serve.err" 2>/dev/null && break; sleep 0.05; done
  local address
  address=$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/serve.err")
  BENCH_EXAMPLE="$work/example.json" BENCH_KEY="$key" \
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "$address/webhook" > "$work/wrk.txt"
  kill -TERM "$server"; wait "$server" || true
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $4}' "$work/wrk.txt")
  local duplicates
  duplicates=$(grep -c '"duplicate":true' "$work/log.ndjson" || true)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "${rps%.*}" "$p50" "$p99" "${non2xx:-0}" "$duplicates"
}

echo "| store | requests/s | p50 | p99 | non-2XX | duplicates |"
echo "|---|---|---|---|---|---|"
run memory "memory"
if [ -n "${FPWEBHOOK_TEST_REDIS_URL:-}" ]; then
  run "$FPWEBHOOK_TEST_REDIS_URL" "Redis (loopback)"
else
  echo "(Redis skipped: set FPWEBHOOK_TEST_REDIS_URL, for example with tests/stores/start-servers.sh)" >&2
fi
