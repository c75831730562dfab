#!/usr/bin/env bash
# Checks (and where possible installs) what the tests need on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# Installs Debian packages when running as root with apt-get; otherwise says what is missing and fails.
apt_install() { # what, package...
  local what=$1; shift
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $*"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing: $what (apt-get install $*)" >&2
    exit 1
  fi
}
missing=()
for tool in initdb pg_ctl postgres; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ "${#missing[@]}" -eq 0 ] || apt_install "PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH" postgresql
# The browser tests (tests/Dashboard.Tests, tests/Simulator.Tests) drive Debian's chromium through Playwright; no browser download.
[ -x /usr/bin/chromium ] || apt_install "chromium (/usr/bin/chromium, the browser tests' browser)" chromium
# The deployment files' offline validators (tests/Cluster.Tests/validate): dclint and kubernetes-models, from npm.
if [ ! -d tests/Cluster.Tests/validate/node_modules ] || [ tests/Cluster.Tests/validate/package-lock.json -nt tests/Cluster.Tests/validate/node_modules ]; then
  command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are required (the deployment files' validators)" >&2; exit 1; }
  (cd tests/Cluster.Tests/validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
