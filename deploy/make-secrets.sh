#!/usr/bin/env bash
# Writes the secrets docker-compose.yml reads into deploy/secrets/ (ignored by git), once: a PostgreSQL password,
# the connection string, an endpoint key pair, an admin token, a webhook verify token and the
# data key that seals accounts' emails and names at rest. Put your Meta app's
# secret into deploy/secrets/Meta__AppSecret yourself.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p secrets && chmod 700 secrets
write() { [ -s "secrets/$1" ] || { printf '%s' "$2" >"secrets/$1"; chmod 600 "secrets/$1"; echo "wrote secrets/$1"; }; }
password=$(openssl rand -hex 24)
write postgres_password "$password"
write Cluster__ConnectionString "Host=postgres;Database=flows;Username=flows;Password=$(cat secrets/postgres_password)"
[ -s secrets/flows-private.pem ] || { openssl genrsa -out secrets/flows-private.pem 2048 2>/dev/null; chmod 600 secrets/flows-private.pem; echo "wrote secrets/flows-private.pem"; }
write Admin__Token "$(openssl rand -hex 24)"
write Meta__WebhookVerifyToken "$(openssl rand -hex 24)"
write Accounts__DataKey "$(openssl rand -base64 32)"
[ -s secrets/Meta__AppSecret ] || echo "now put your Meta app secret into deploy/secrets/Meta__AppSecret"
openssl rsa -in secrets/flows-private.pem -pubout 2>/dev/null | sed 's/^/  /' | { echo "public key to upload to Meta:"; cat; }
