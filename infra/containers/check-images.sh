#!/usr/bin/env bash
# Starts each service image (default: all six) in one pod with its own Postgres, Redis and Kafka
# from the base images, and checks that it runs as non-root and answers /health/live (and
# /health/ready). A pod has its own network namespace on podman's bridge: nothing is published on
# the host and nothing is shared with the machine's Postgres, Redis and Kafka (whose consumer
# groups other stacks on the machine use). Removes the pod afterwards.
#   bash infra/containers/check-images.sh [service...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=("$@")
[ "${#services[@]}" -gt 0 ] || services=("${services_all[@]}")
pod=tollgate-imagecheck-$$
tag=${TOLLGATE_IMAGE_TAG:-latest}
started_at=$(date +%s)

# `pod rm -f` once left a pod behind here (its infra container running, the proxy's container
# exited) while it exited 0 after a full check: removal is retried until the pod is gone.
cleanup() {
  local attempt
  for attempt in 1 2 3; do
    pm pod exists "$pod" 2>/dev/null || return 0
    pm pod rm -f -t 10 "$pod" >/dev/null 2>&1 || sleep 2
  done
  ! pm pod exists "$pod" 2>/dev/null || log "pod $pod is still there: podman pod rm -f $pod"
}
trap cleanup EXIT
cleanup

needs_infra=false
for s in "${services[@]}"; do [ "$s" = demo-upstream ] || needs_infra=true; done

prepare_podman
pm pod create --name "$pod" >/dev/null
if $needs_infra; then
  pm run -d --pod "$pod" --name "$pod-postgres" -e POSTGRES_HOST_AUTH_METHOD=trust "$TOLLGATE_POSTGRES_IMAGE" >/dev/null
  pm run -d --pod "$pod" --name "$pod-redis" "$TOLLGATE_REDIS_IMAGE" redis-server --save "" --appendonly no >/dev/null
  pm run -d --pod "$pod" --name "$pod-kafka" -e KAFKA_NUM_PARTITIONS=3 "$TOLLGATE_KAFKA_IMAGE" >/dev/null
fi
ip=$(pm inspect --format '{{.NetworkSettings.IPAddress}}' "$(pm pod inspect --format '{{.InfraContainerID}}' "$pod")")

until_ok() { # <seconds> <what> <command...>
  local limit=$1 what=$2 waited=0; shift 2
  until "$@" >/dev/null 2>&1; do
    sleep 1; waited=$((waited + 1))
    [ "$waited" -lt "$limit" ] || { log "$what: no answer after ${limit}s"; return 1; }
  done
}
if $needs_infra; then
  until_ok 120 postgres pm exec "$pod-postgres" pg_isready -h 127.0.0.1 -U postgres
  until_ok 180 kafka pm exec "$pod-kafka" kafka-broker-api-versions.sh --bootstrap-server localhost:9092
  log "postgres, redis and kafka ready in the pod ($(( $(date +%s) - started_at ))s)"
fi

key=$(head -c 32 /dev/urandom | base64)
proxy_secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
token_secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
assertion_keys=$(pm run --rm "$TOLLGATE_NODE_IMAGE" node -e 'const { generateKeyPairSync } = require("node:crypto");
const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
process.stdout.write(JSON.stringify({ keys: [{ ...key, kid: "check" }] }));')
common=(-e KAFKA_BROKERS=127.0.0.1:9092 -e REDIS_URL=redis://127.0.0.1:6379
  -e AUTH_JWKS_URL=http://127.0.0.1:3001/.well-known/jwks.json -e AUTH_URL=http://127.0.0.1:3001
  -e JWT_ISSUER=tollgate-auth -e JWT_AUDIENCE=tollgate)
env_of() {
  case "$1" in
    demo-upstream) echo "-e PORT=3999" ;;
    auth) echo "-e PORT=3001 -e NODE_ENV=development -e DATABASE_URL=postgres://postgres@127.0.0.1:5432/tollgate_auth
      -e SERVICE_CLIENTS=proxy:$(sha "$proxy_secret"):tokens:validate,token:$(sha "$token_secret"):billing:purchases
      -e SIGNING_KEYS_ENCRYPTION_KEYS=$key" ;;
    token) echo "-e PORT=3002 -e DATABASE_URL=postgres://postgres@127.0.0.1:5432/tollgate_token
      -e BILLING_URL=http://127.0.0.1:3005 -e SERVICE_CLIENT_ID=token -e SERVICE_CLIENT_SECRET=$token_secret
      -e IDEMPOTENCY_ENCRYPTION_KEY=$key" ;;
    billing) echo "-e PORT=3005 -e NODE_ENV=development -e DATABASE_URL=postgres://postgres@127.0.0.1:5432/tollgate_billing
      -e PRICE_CURRENCY=usd -e PRICE_LIST=1:200,12:1500,24:2500,168:12000,720:40000" ;;
    proxy) echo "-e PORT=3003 -e NODE_ENV=development -e UPSTREAM_URL=http://127.0.0.1:3999 -e TOKEN_SERVICE_URL=http://127.0.0.1:3002
      -e SERVICE_CLIENT_ID=proxy -e SERVICE_CLIENT_SECRET=$proxy_secret -e APP_PUBLIC_ORIGIN=http://app.localhost:8080" ;;
    game-realtime) echo "-e PORT=3004 -e DATABASE_URL=postgres://postgres@127.0.0.1:5432/tollgate_game" ;;
    *) die "unknown service $1" ;;
  esac
}
port_of() { env_of "$1" | sed -n 's/^-e PORT=\([0-9]*\).*/\1/p'; }

printf '%-16s %-8s %-6s %-5s %-5s %s\n' service user uid live ready "started in"
failed=0
for s in "${services[@]}"; do
  t0=$(date +%s)
  extra=()
  [ "$s" = proxy ] && extra=(-e "IDENTITY_ASSERTION_KEYS=$assertion_keys")
  # shellcheck disable=SC2046
  pm run -d --pod "$pod" --name "$pod-$s" "${common[@]}" $(env_of "$s") "${extra[@]}" "tollgate/$s:$tag" >/dev/null
  port=$(port_of "$s")
  live=no ready=no
  until_ok 90 "$s /health/live" curl -fsS "http://$ip:$port/health/live" && live=yes
  until_ok 30 "$s /health/ready" curl -fsS "http://$ip:$port/health/ready" && ready=yes
  user=$(pm inspect --format '{{.Config.User}}' "$pod-$s")
  uid=$(pm exec "$pod-$s" id -u 2>/dev/null || echo "?")
  printf '%-16s %-8s %-6s %-5s %-5s %ss\n' "$s" "${user:-root}" "$uid" "$live" "$ready" "$(( $(date +%s) - t0 ))"
  if [ "$live" != yes ] || [ "$uid" = 0 ] || [ "$uid" = "?" ]; then failed=1; pm logs --tail 20 "$pod-$s" >&2 || true; fi
done
log "checked ${#services[@]} image(s) in $(( $(date +%s) - started_at ))s"
exit "$failed"
