#!/usr/bin/env bash
# The real topology on one machine, without Docker: PostgreSQL + N silos (src/Silo) + M Api nodes (src/Api as
# Orleans clients) on 127.0.0.1. State, logs and generated secrets live in .cluster/ (ignored by git).
#   scripts/cluster.sh up [silos] [apis]      start (default 2 and 2) and stay in the foreground; Ctrl-C stops all
#   scripts/cluster.sh up -d [silos] [apis]   start and return
#   scripts/cluster.sh status                 what runs, and whether each process is ready
#   scripts/cluster.sh down                   stop everything this script started (by the PIDs it recorded)
# Ports: PostgreSQL 55432; silo i: 11111+i (silo), 30000+i (gateway), 8081+i (health); Api j: 5080+j.
# CLUSTER_ROOT, CLUSTER_PG_PORT, CLUSTER_SILO_PORT, CLUSTER_GATEWAY_PORT, CLUSTER_HEALTH_PORT and CLUSTER_API_PORT
# move the folder and the base ports (tests run their own cluster beside a developer's); CLUSTER_CONFIGURATION
# (default Release) picks the build, and CLUSTER_NO_BUILD=1 uses the one already there.
set -euo pipefail
cd "$(dirname "$0")/.."
root="${CLUSTER_ROOT:-$PWD/.cluster}"
pids="$root/pids"
logs="$root/logs"
pg_port="${CLUSTER_PG_PORT:-55432}"
silo_port="${CLUSTER_SILO_PORT:-11111}"
gateway_port="${CLUSTER_GATEWAY_PORT:-30000}"
health_port="${CLUSTER_HEALTH_PORT:-8081}"
api_port="${CLUSTER_API_PORT:-5080}"
configuration="${CLUSTER_CONFIGURATION:-Release}"
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=flows"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_bin() {
  local initdb
  initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$initdb" ] || { echo "PostgreSQL server binaries are required (scripts/ensure-prereqs.sh installs them)" >&2; exit 1; }
  dirname "$(readlink -f "$initdb")"
}

start_postgres() {
  local bin; bin=$(pg_bin)
  if [ ! -d "$root/pgdata" ]; then
    mkdir -p "$root/pgdata" "$root/pgsock"
    [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$root/pgdata" "$root/pgsock"
    as_postgres "$bin/initdb" -D "$root/pgdata" -U postgres -A trust -E UTF8 --locale=C --no-instructions >"$logs/initdb.log"
  fi
  as_postgres "$bin/pg_ctl" -D "$root/pgdata" -l "$logs/postgres.log" -w -t 60 \
    -o "-p $pg_port -k $root/pgsock -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'flows'" | grep -q 1 \
    || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres flows
  echo "postgres  127.0.0.1:$pg_port  database flows"
}

secrets() {
  mkdir -p "$root/secrets"
  [ -f "$root/secrets/private.pem" ] || openssl genrsa -out "$root/secrets/private.pem" 2048 2>/dev/null
  chmod 600 "$root/secrets/private.pem"
  for name in app-secret admin-token verify-token; do
    [ -f "$root/secrets/$name" ] || { openssl rand -hex 24 >"$root/secrets/$name"; chmod 600 "$root/secrets/$name"; }
  done
  # Seals accounts' emails and names at rest (Accounts:DataKey): 32 random bytes, base64.
  [ -f "$root/secrets/data-key" ] || { openssl rand -base64 32 >"$root/secrets/data-key"; chmod 600 "$root/secrets/data-key"; }
}

launch() { # name, dll, then KEY=VALUE settings
  local name=$1 dll=$2; shift 2
  env "$@" ASPNETCORE_ENVIRONMENT=Production nohup dotnet "$dll" >"$logs/$name.log" 2>&1 &
  echo $! >"$pids/$name.pid"
}

wait_ready() { # name, url
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$2/readyz"; then return 0; fi
    kill -0 "$(cat "$pids/$1.pid")" 2>/dev/null || { echo "$1 exited; see $logs/$1.log" >&2; return 1; }
    sleep 0.5
  done
  echo "$1 not ready after 60 s; see $logs/$1.log" >&2
  return 1
}

up() {
  local detach=false
  if [ "${1:-}" = "-d" ]; then detach=true; shift; fi
  local silos=${1:-2} apis=${2:-2}
  [ ! -s "$pids/postgres.pid" ] && ! ls "$pids"/*.pid >/dev/null 2>&1 || { echo "already up (scripts/cluster.sh down first)" >&2; exit 1; }
  mkdir -p "$pids" "$logs"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$logs"
  if [ "${CLUSTER_NO_BUILD:-}" != 1 ]; then
    echo "building $configuration..."
    dotnet build src/Silo -c "$configuration" -nologo -v quiet >"$logs/build.log" 2>&1 \
      && dotnet build src/Api -c "$configuration" -nologo -v quiet >>"$logs/build.log" 2>&1 \
      || { cat "$logs/build.log" >&2; exit 1; }
  fi
  start_postgres
  secrets
  local cluster=(Cluster__Membership=Postgres Cluster__Storage=Postgres "Cluster__ConnectionString=$connection" Cluster__ServiceId=local
    Cluster__ClusterId=local Cluster__AdvertisedAddress=127.0.0.1)
  for i in $(seq 0 $((silos - 1))); do
    launch "silo$i" "src/Silo/bin/$configuration/net10.0/Backend.Silo.dll" "${cluster[@]}" Accounts__DataKey="$(cat "$root/secrets/data-key")" \
      Cluster__SiloPort=$((silo_port + i)) Cluster__GatewayPort=$((gateway_port + i)) Urls=http://127.0.0.1:$((health_port + i))
  done
  for i in $(seq 0 $((silos - 1))); do
    wait_ready "silo$i" "http://127.0.0.1:$((health_port + i))"
    echo "silo$i     127.0.0.1:$((silo_port + i)) (gateway $((gateway_port + i)), health http://127.0.0.1:$((health_port + i)))"
  done
  for i in $(seq 0 $((apis - 1))); do
    launch "api$i" "src/Api/bin/$configuration/net10.0/Backend.Api.dll" "${cluster[@]}" Cluster__Mode=Client Urls=http://127.0.0.1:$((api_port + i)) \
      FlowEndpoint__Keys__0__Path="$root/secrets/private.pem" Meta__AppSecret="$(cat "$root/secrets/app-secret")" \
      Admin__Token="$(cat "$root/secrets/admin-token")" Meta__WebhookVerifyToken="$(cat "$root/secrets/verify-token")"
  done
  for i in $(seq 0 $((apis - 1))); do
    wait_ready "api$i" "http://127.0.0.1:$((api_port + i))"
    echo "api$i      http://127.0.0.1:$((api_port + i))"
  done
  echo "logs: $logs; secrets (app secret, admin token, verify token, endpoint key, data key): $root/secrets"
  if ! $detach; then
    trap 'echo; down; exit 0' INT TERM
    echo "running; Ctrl-C stops everything"
    while true; do sleep 1; done
  fi
}

down() {
  if ls "$pids"/*.pid >/dev/null 2>&1; then
    for file in "$pids"/*.pid; do
      local pid; pid=$(cat "$file")
      kill -TERM "$pid" 2>/dev/null || true
    done
    for file in "$pids"/*.pid; do
      local pid; pid=$(cat "$file")
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$file"
    done
  fi
  if [ -f "$root/pgdata/postmaster.pid" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$root/pgdata" -m fast -w stop >/dev/null || true
  fi
  echo "stopped"
}

status() {
  [ -f "$root/pgdata/postmaster.pid" ] && echo "postgres  running (127.0.0.1:$pg_port)" || echo "postgres  stopped"
  ls "$pids"/*.pid >/dev/null 2>&1 || { echo "no silo or Api running"; return 0; }
  for file in "$pids"/*.pid; do
    local name pid port state
    name=$(basename "$file" .pid); pid=$(cat "$file")
    case "$name" in silo*) port=$((health_port + ${name#silo})) ;; api*) port=$((api_port + ${name#api})) ;; esac
    if ! kill -0 "$pid" 2>/dev/null; then state="exited"
    elif curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; then state="ready"
    else state="not ready"; fi
    echo "$name  pid $pid  http://127.0.0.1:$port  $state"
  done
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
