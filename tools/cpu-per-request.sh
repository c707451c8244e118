#!/usr/bin/env bash
# CPU per request of `hotpath serve --local --workload demo` at a given rate: Hotpath's threads, and the local stack's
# servers and the whole machine, which the seed's CPU goal (< 70% of all cores) is about.
# Usage: tools/cpu-per-request.sh [rate=10000] [warm-up seconds=40] [measured seconds=30]
# Runs the compiled CLI (npm run build:cli first), reads each thread's CPU time from /proc/<pid>/task/*/stat, the
# stack's PostgreSQL and Redis processes' from /proc/<pid>/stat, the machine's from /proc/stat, and the requests from
# /metrics, and prints µs of CPU per request: the engine thread, the two busiest worker threads (the planner thread and
# the model trainer), the rest (V8's GC helpers, libuv's pool), PostgreSQL, Redis and the machine. Linux only.
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
# The local stack's servers are the serve process's descendants (PostgreSQL's postmaster forks its backends).
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
server_ticks() {
  local pg=0 redis=0 p comm t
  for p in $(descendants "$server"); do
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
    case "$comm" in postgres*) pg=$((pg + t)) ;; redis*) redis=$((redis + t)) ;; esac
  done
  echo "$pg $redis"
}
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
before=$(ticks); r1=$(requests); read -r pg1 redis1 < <(server_ticks); m1=$(machine_ticks)
sleep "$seconds"
after=$(ticks); r2=$(requests); read -r pg2 redis2 < <(server_ticks); m2=$(machine_ticks)
hz=$(getconf CLK_TCK)
join <(echo "$before") <(echo "$after") | awk -v main="$server" -v n=$((r2 - r1)) -v hz="$hz" -v s="$seconds" '
  { us = ($3 - $2) * 1e6 / hz; if ($1 == main) m = us; else { w[$1] = us; rest += us } }
  END {
    k = asort(w, sorted)
    printf "%d req/s; CPU per request (µs): engine thread %.1f, planner thread %.1f, trainer %.1f, other threads %.1f, total %.1f\n",
      n / s, m / n, sorted[k] / n, sorted[k - 1] / n, (rest - sorted[k] - sorted[k - 1]) / n, (m + rest) / n
  }'
n=$((r2 - r1))
awk -v n="$n" -v hz="$hz" -v s="$seconds" -v pg=$((pg2 - pg1)) -v redis=$((redis2 - redis1)) -v machine=$((m2 - m1)) -v cores="$(nproc)" '
  BEGIN {
    # Backends that exited during the window are not counted: PostgreSQL is a lower bound.
    printf "PostgreSQL %.1f, Redis %.1f, whole machine %.1f µs per request; the machine at %.0f%% of its %d cores\n",
      pg * 1e6 / hz / n, redis * 1e6 / hz / n, machine * 1e6 / hz / n, 100 * machine / hz / s / cores, cores
  }'
