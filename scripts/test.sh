#!/usr/bin/env bash
# Builds the solution and runs every test project; ends with one line "N passed, N failed".
# Test fixtures start what they need themselves (a throwaway PostgreSQL, the Api on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d "${TMPDIR:-/tmp}/backend-tests.XXXXXX")"
trap 'rm -rf "$results"' EXIT

bash scripts/ensure-prereqs.sh

dotnet build Backend.sln -c Release -nologo -v quiet
# Every test the projects hold, counted before the run, so tests an aborted test host never reached count as failed.
listed=$(dotnet test Backend.sln -c Release --no-build -nologo --list-tests 2>/dev/null | grep -c '^    ' || true)
status=0
# A test that hangs is stopped after 10 minutes (the longest test takes about 2) and its test host with it, so a run
# always ends; the tests it kept from running count as failed below. One test project at a time (-m:1): on two cores,
# two at once took as long in all and starved each other's timing-sensitive tests (browsers, silos, fault injection).
dotnet test Backend.sln -c Release --no-build -nologo -m:1 \
  --logger "trx" \
  --blame-hang-timeout 10m --blame-hang-dump-type none \
  --results-directory "$results" || status=$?

# Sum the counters of every test project's TRX report.
read -r passed failed total < <(
  cat "$results"/*.trx 2>/dev/null |
    grep -o '<Counters [^>]*' |
    awk '{
      for (i = 1; i <= NF; i++) {
        split($i, kv, "="); gsub(/"/, "", kv[2])
        if (kv[1] == "passed") p += kv[2]
        if (kv[1] == "failed" || kv[1] == "error" || kv[1] == "timeout" || kv[1] == "aborted") f += kv[2]
        if (kv[1] == "total") t += kv[2]
      }
    } END { printf "%d %d %d\n", p, f, t }'
)
projects=$(ls "$results"/*.trx 2>/dev/null | wc -l)
expected=$(ls tests/*/*.Tests.csproj | wc -l)
if [ "$projects" -lt "$expected" ]; then
  echo "only $projects of $expected test projects reported results" >&2
  failed=$((failed + expected - projects))
  status=1
fi
# An aborted test host reports fewer outcomes than tests: the missing ones did not pass.
if [ "$total" -gt $((passed + failed)) ]; then
  echo "$((total - passed - failed)) tests did not run to an outcome (a test host was aborted)" >&2
  failed=$((total - passed))
  status=1
fi
if [ "$listed" -gt $((passed + failed)) ]; then
  echo "$((listed - passed - failed)) of the $listed tests listed never ran (a test host was aborted)" >&2
  failed=$((listed - passed))
  status=1
fi
if [ "$total" -eq 0 ]; then
  echo "no test ran" >&2
  status=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit "$status"
