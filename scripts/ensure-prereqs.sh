#!/usr/bin/env bash
# Checks (and where possible installs) what the tests need on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in initdb pg_ctl postgres; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing PostgreSQL (missing: ${missing[*]})"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL server binaries (initdb, pg_ctl, postgres) are required on PATH" >&2
    exit 1
  fi
fi
# The browser tests (tests/Dashboard.Tests) drive Debian's chromium through Playwright; no browser download.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (the browser tests' browser)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium (/usr/bin/chromium) is required by the browser tests: apt-get install chromium" >&2
    exit 1
  fi
fi
# The deployment files' offline validators (tests/Cluster.Tests/validate): dclint and kubernetes-models, from npm.
if [ ! -d tests/Cluster.Tests/validate/node_modules ] || [ tests/Cluster.Tests/validate/package-lock.json -nt tests/Cluster.Tests/validate/node_modules ]; then
  command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are required (the deployment files' validators)" >&2; exit 1; }
  (cd tests/Cluster.Tests/validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
