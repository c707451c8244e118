#!/usr/bin/env bash
# Engine CPU per request, by thread, of `hotpath serve --local --workload demo` at a given rate.
# Usage: tools/cpu-per-request.sh [rate=10000] [warm-up seconds=40] [measured seconds=30]
# Runs the compiled CLI (npm run build:cli first), reads each thread's CPU time from /proc/<pid>/task/*/stat and the
# requests from /metrics, and prints µs of CPU per request: the engine thread, the two busiest worker threads (the
# planner thread and the model trainer) and the rest (V8's GC helpers, libuv's pool). Linux only.
set -euo pipefail
rate=${1:-10000}
warmup=${2:-40}
seconds=${3:-30}
port=7399
cd "$(dirname "$0")/.."
node dist/cli/hotpath.js serve --local --workload demo --rate "$rate" --port "$port" > /tmp/hotpath-cpu-per-request.log 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
sleep "$warmup"
ticks() { for t in /proc/$server/task/*; do echo "$(basename "$t") $(awk '{print $14 + $15}' "$t/stat")"; done | sort; }
requests() { curl -s "localhost:$port/metrics" | awk '/^hotpath_workload_requests_total/ { r += $2 } END { print r }'; }
before=$(ticks); r1=$(requests)
sleep "$seconds"
after=$(ticks); r2=$(requests)
hz=$(getconf CLK_TCK)
join <(echo "$before") <(echo "$after") | awk -v main="$server" -v n=$((r2 - r1)) -v hz="$hz" -v s="$seconds" '
  { us = ($3 - $2) * 1e6 / hz; if ($1 == main) m = us; else { w[$1] = us; rest += us } }
  END {
    k = asort(w, sorted)
    printf "%d req/s; CPU per request (µs): engine thread %.1f, planner thread %.1f, trainer %.1f, other threads %.1f, total %.1f\n",
      n / s, m / n, sorted[k] / n, sorted[k - 1] / n, (rest - sorted[k] - sorted[k - 1]) / n, (m + rest) / n
  }'
