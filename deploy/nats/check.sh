#!/usr/bin/env bash
# Checks the NATS configs with `nats-server -t` (parse, TLS files load, every variable resolves), without any
# real secret: each `$NATS_...` variable a file uses gets a throw-away value — passwords `pcheck`, the
# `*_FILE` variables a throw-away certificate and key made here with openssl, NATS_HUB_LEAF_URL a dummy URL.
# Also refuses a config that admits anonymous clients (`no_auth_user`).
#
#   deploy/nats/check.sh                       # every deploy/nats/*.conf
#   deploy/nats/check.sh deploy/nats/hub.conf  # one file
#
# Needs nats-server (Debian package, 2.9 or later) and openssl on the PATH.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=nats-check \
  -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null

if [ $# -eq 0 ]; then set -- "$here"/*.conf; fi
status=0
for conf in "$@"; do
  assign=()
  for variable in $(grep -v '^[[:space:]]*#' "$conf" | grep -o '\$NATS_[A-Z0-9_]*' | tr -d '$' | sort -u); do
    case "$variable" in
      *_KEY_FILE) assign+=("$variable=$tmp/tls.key") ;;
      *_FILE) assign+=("$variable=$tmp/tls.crt") ;;
      NATS_HUB_LEAF_URL) assign+=("$variable=tls://leaf:pcheck@hub.invalid:7422") ;;
      *) assign+=("$variable=pcheck") ;;
    esac
  done
  if grep -q '^[[:space:]]*no_auth_user' "$conf"; then
    echo "$conf: no_auth_user lets clients in without credentials" >&2
    status=1
    continue
  fi
  if ! env "${assign[@]}" nats-server -t -c "$conf"; then status=1; fi
done
exit $status
