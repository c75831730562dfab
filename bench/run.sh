#!/usr/bin/env bash
# The product's benchmark (issue 7): builds Release, starts PostgreSQL and the Api on 127.0.0.1, runs flows-load
# against it, and regenerates bench/README.md and bench/results/*.json. Bounded in time; cleans up on any exit.
#   bash bench/run.sh                 the bench (about 10 minutes; at most BENCH_TIMEOUT seconds, default 1200)
#   bash bench/run.sh --clustered     only the co-hosted and clustered step runs (about 4 minutes; README untouched)
#   bash bench/run.sh --dashboard     only the dashboard's cost: steps with and without Dashboard:Enabled (about 2 minutes;
#                                     bench/results/dashboard-cost.json, README untouched)
#   bash bench/run.sh --soak [min]    a soak at 50 % of the journey peak (default 10 minutes), memory sampled every 10 s
#   bash bench/run.sh --scaling       the local cluster with 1, 2 and 3 silos, CPU per step (about 6 minutes;
#                                     bench/results/scaling.json, for docs/capacity.md)
#   bash bench/run.sh --profile ping|step  where the Api's CPU goes (perf, after a warm-up), by library (about 3 minutes)
#   bash bench/run.sh --memory        only the memory of 100,000 idle session activations (about 2 minutes; printed)
#   bash bench/run.sh --compare REV   before/after in one sitting: REV's Api (built in a temporary worktree) against this
#                                     tree's, ping and step alternated (about 6 minutes; results in a temporary folder)
# BACKEND_TEST_POSTGRES=<connection string> uses that server instead of a throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

soak=()
mode=(--results bench/results --readme bench/README.md)
command="bash bench/run.sh"
if [[ "${1:-}" == "--clustered" ]]; then
  # Only the co-hosted and clustered step runs, to study the clustered topology; the README is left alone.
  mode=(--clustered-only)
  command="bash bench/run.sh --clustered"
  limit="${BENCH_TIMEOUT:-720}"
elif [[ "${1:-}" == "--dashboard" ]]; then
  mode=(--dashboard-cost --results bench/results)
  command="bash bench/run.sh --dashboard"
  limit="${BENCH_TIMEOUT:-720}"
elif [[ "${1:-}" == "--scaling" ]]; then
  # The local cluster with 1, 2 and 3 silos behind one Api client: CPU per step for docs/capacity.md.
  mode=(--scaling --results bench/results)
  command="bash bench/run.sh --scaling"
  limit="${BENCH_TIMEOUT:-900}"
elif [[ "${1:-}" == "--profile" ]]; then
  [[ "${2:-}" == "ping" || "${2:-}" == "step" ]] || { echo "usage: bash bench/run.sh --profile ping|step" >&2; exit 2; }
  command -v perf >/dev/null || { echo "--profile needs Linux perf (apt-get install linux-perf)" >&2; exit 2; }
  mode=(--profile "$2")
  command="bash bench/run.sh --profile $2"
  limit="${BENCH_TIMEOUT:-600}"
elif [[ "${1:-}" == "--memory" ]]; then
  # Only the memory of 100,000 idle sessions (a silo in the bench process); prints the figures.
  mode=(--memory-only)
  command="bash bench/run.sh --memory"
  limit="${BENCH_TIMEOUT:-600}"
elif [[ "${1:-}" == "--compare" ]]; then
  baseline_rev="${2:-}"
  [[ -n "$baseline_rev" ]] && git rev-parse --verify --quiet "$baseline_rev^{commit}" >/dev/null \
    || { echo "usage: bash bench/run.sh --compare <git revision>" >&2; exit 2; }
  mode=(--baseline-name "$(git rev-parse --short "$baseline_rev")")
  command="bash bench/run.sh --compare $baseline_rev"
  limit="${BENCH_TIMEOUT:-900}"
elif [[ "${1:-}" == "--soak" ]]; then
  minutes="${2:-10}"
  [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "usage: bash bench/run.sh [--soak [minutes]]" >&2; exit 2; }
  soak=(--soak "$minutes")
  command="bash bench/run.sh --soak $minutes"
  limit=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 300 }')
elif [[ $# -gt 0 ]]; then
  echo "usage: bash bench/run.sh [--clustered | --dashboard | --scaling | --profile ping|step | --memory | --compare REV | --soak [minutes]]" >&2
  exit 2
else
  limit="${BENCH_TIMEOUT:-1200}"
fi
started=$(date +%s)

work=$(mktemp -d -t product-bench-run-XXXXXX)
# A study of the clustered topology keeps its results out of bench/results, which the README is generated from.
[[ "${mode[0]}" == "--clustered-only" || "${mode[0]}" == "--memory-only" || "${mode[0]}" == "--profile" || -n "${baseline_rev:-}" ]] && mode+=(--results "$work/results")
pid_file="$work/api.pid"
cleanup() {
  # The bench kills the Api itself; this is the backstop if the bench was killed first. Postgres is stopped by
  # its own watchdog once the bench process is gone.
  for file in "$work"/*.pid; do
    [[ -s "$file" ]] && kill -9 "$(cat "$file")" 2>/dev/null || true
  done
  [[ -d "$work/baseline" ]] && git worktree remove --force "$work/baseline" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "building Release..." >&2
timeout 300 dotnet build bench/Product.Bench -c Release -nologo -v quiet >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
timeout 300 dotnet build src/Api -c Release -nologo -v quiet >>"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
timeout 300 dotnet build src/Silo -c Release -nologo -v quiet >>"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
timeout 300 dotnet build bench/BareEndpoint -c Release -nologo -v quiet >>"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }

if [[ -n "${baseline_rev:-}" ]]; then
  echo "building the baseline $baseline_rev..." >&2
  git worktree add --detach --quiet "$work/baseline" "$baseline_rev"
  timeout 300 dotnet build "$work/baseline/src/Api" -c Release -nologo -v quiet >>"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
  mode+=(--baseline-api "$work/baseline/src/Api/bin/Release/net10.0/Backend.Api.dll")
  echo "results: $work/results (removed at the end; the figures are printed)" >&2
fi

remaining=$(( limit - ($(date +%s) - started) ))
(( remaining > 60 )) || { echo "no time left after the build" >&2; exit 1; }
# Socket answers handled on the socket thread for the load generator in the bench process, as flows-load does for
# itself (a third less CPU per request); the Api and silo processes it starts run without it, as deployed.
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
status=0
timeout -k 15 "$remaining" dotnet bench/Product.Bench/bin/Release/net10.0/Backend.Product.Bench.dll \
  --api src/Api/bin/Release/net10.0/Backend.Api.dll --silo src/Silo/bin/Release/net10.0/Backend.Silo.dll \
  --bare-endpoint bench/BareEndpoint/bin/Release/net10.0/Backend.BareEndpoint.dll "${mode[@]}" \
  --pid-file "$pid_file" --work "$work" --command "$command" "${soak[@]}" || status=$?
if (( status == 124 || status == 137 )); then
  echo "bench stopped at its time limit (${limit} s in all); bench/README.md was not rewritten" >&2
fi
exit "$status"
