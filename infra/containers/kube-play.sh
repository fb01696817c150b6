#!/usr/bin/env bash
# The Kubernetes manifests (infra/k8s) under `podman kube play`, as far as podman 4.3 takes them:
# each service's ConfigMap and Deployment (2 replicas, probes, non-root, read-only root file
# system, memory limit), its Secret as a podman secret, on one podman network where each
# service's pods carry the Service's name as an alias (so `http://auth:3001` reaches every
# replica). Postgres, Redis, Kafka and the upstream (deployed separately in a cluster) run beside
# them from the local images. kube-render.mjs says what is changed and what is left out.
#   bash infra/containers/kube-play.sh up      play everything, wait until every pod is ready
#   bash infra/containers/kube-play.sh down    remove pods, infrastructure, secrets and network
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"

network=tollgate-kube
rendered="$repo/.tollgate/containers/kube"
kube_services=(auth billing token proxy game-realtime)
infra() { echo "tollgate-kube-$1"; }

secret_json() { # <key=value>...: a Kubernetes Secret's data as podman 4.3 reads it (key -> base64)
  node -e 'const o = {}; for (const kv of process.argv.slice(1)) { const i = kv.indexOf("="); o[kv.slice(0, i)] = Buffer.from(kv.slice(i + 1)).toString("base64"); } process.stdout.write(JSON.stringify(o));' "$@"
}

make_podman_secrets() {
  local db=postgres://postgres@postgres:5432
  declare -A data=(
    [auth]="DATABASE_URL=$db/tollgate_auth|SERVICE_CLIENTS=proxy:$TOLLGATE_PROXY_CLIENT_SECRET_SHA256:tokens:validate,token:$TOLLGATE_TOKEN_CLIENT_SECRET_SHA256:billing:purchases|SIGNING_KEYS_ENCRYPTION_KEYS=$TOLLGATE_SIGNING_KEYS_ENCRYPTION_KEY|SMTP_URL=smtp://mail:1025"
    [billing]="DATABASE_URL=$db/tollgate_billing|STRIPE_SECRET_KEY=sk_test_not_a_real_key|STRIPE_WEBHOOK_SECRET=whsec_not_a_real_secret"
    [token]="DATABASE_URL=$db/tollgate_token|SERVICE_CLIENT_SECRET=$TOLLGATE_TOKEN_CLIENT_SECRET|IDEMPOTENCY_ENCRYPTION_KEY=$TOLLGATE_IDEMPOTENCY_ENCRYPTION_KEY"
    [proxy]="SERVICE_CLIENT_SECRET=$TOLLGATE_PROXY_CLIENT_SECRET|IDENTITY_ASSERTION_KEYS=$TOLLGATE_IDENTITY_ASSERTION_KEYS"
    [game-realtime]="DATABASE_URL=$db/tollgate_game"
  )
  local s
  for s in "${kube_services[@]}"; do
    pm secret rm "tollgate-$s" >/dev/null 2>&1 || true
    IFS='|' read -r -a pairs <<<"${data[$s]}"
    secret_json "${pairs[@]}" | pm secret create "tollgate-$s" - >/dev/null
  done
}

start_infra() {
  pm network exists "$network" || pm network create "$network" >/dev/null
  pm run -d --name "$(infra postgres)" --network "$network" --network-alias postgres \
    -e POSTGRES_HOST_AUTH_METHOD=trust "$TOLLGATE_POSTGRES_IMAGE" >/dev/null
  pm run -d --name "$(infra redis)" --network "$network" --network-alias redis \
    "$TOLLGATE_REDIS_IMAGE" redis-server --save "" --appendonly no >/dev/null
  pm run -d --name "$(infra kafka)" --network "$network" --network-alias kafka \
    -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://kafka:9092 -e KAFKA_NUM_PARTITIONS=3 "$TOLLGATE_KAFKA_IMAGE" >/dev/null
  # The proxy's ConfigMap names http://upstream:80; the demo upstream stands in (port 80 as non-root).
  pm run -d --name "$(infra upstream)" --network "$network" --network-alias upstream \
    --sysctl net.ipv4.ip_unprivileged_port_start=0 -e PORT=80 "tollgate/demo-upstream:latest" >/dev/null
  local waited=0
  until pm exec "$(infra postgres)" pg_isready -h 127.0.0.1 -U postgres >/dev/null 2>&1 \
    && pm exec "$(infra kafka)" kafka-broker-api-versions.sh --bootstrap-server kafka:9092 >/dev/null 2>&1; do
    sleep 1; waited=$((waited + 1)); [ "$waited" -lt 180 ] || die "postgres or kafka not ready after 180s"
  done
}


up() {
  prepare_podman
  load_secrets
  down quiet
  local started; started=$(date +%s)
  mkdir -p "$rendered"
  start_infra
  log "postgres, redis, kafka and the upstream ready ($(( $(date +%s) - started ))s)"
  make_podman_secrets
  local s left
  for s in "${kube_services[@]}"; do
    left=$(node "$containers_dir/kube-render.mjs" "infra/k8s/$s.yaml" "$rendered/$s.yaml")
    pm kube play --network "$network:alias=$s" "$rendered/$s.yaml" >"$rendered/$s.play.log" 2>&1 \
      || { cat "$rendered/$s.play.log" >&2; die "kube play $s failed"; }
    log "played $s (left to a cluster: $left)"
  done
  # Wait until every replica answers its readiness route and its liveness check passes.
  local deadline=$(( $(date +%s) + ${TOLLGATE_KUBE_TIMEOUT:-600} )) pending c
  while :; do
    pending=()
    for s in "${kube_services[@]}"; do
      for c in $(pm ps -a --format '{{.Names}}' | grep -E "^$s-pod-[0-9]+-$s\$"); do
        pm exec "$c" node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" >/dev/null 2>&1 \
          && pm healthcheck run "$c" >/dev/null 2>&1 || pending+=("$c")
      done
    done
    [ "${#pending[@]}" -gt 0 ] || break
    [ "$(date +%s)" -lt "$deadline" ] || die "not ready: ${pending[*]}"
    sleep 3
  done
  printf '%-28s %-5s %-10s %-9s %s\n' container uid read-only memory restarts
  for s in "${kube_services[@]}"; do
    for c in $(pm ps -a --format '{{.Names}}' | grep -E "^$s-pod-[0-9]+-$s\$"); do
      printf '%-28s %-5s %-10s %-9s %s\n' "$c" "$(pm exec "$c" id -u)" \
        "$(pm inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$c")" \
        "$(pm inspect --format '{{.HostConfig.Memory}}' "$c" | numfmt --to=iec)" \
        "$(pm inspect --format '{{.RestartCount}}' "$c")"
    done
  done
  # Service-to-service through the aliases: a purchase path needs auth, billing and token; here
  # the proxy's readiness already asked the token service and auth's JWKS over those names.
  log "every replica of ${kube_services[*]} is ready ($(( $(date +%s) - started ))s)"
}

down() {
  local s
  for s in "${kube_services[@]}"; do
    [ -f "$rendered/$s.yaml" ] && pm kube down "$rendered/$s.yaml" >/dev/null 2>&1 || true
    pm secret rm "tollgate-$s" >/dev/null 2>&1 || true
  done
  for s in postgres redis kafka upstream; do pm rm -f "$(infra "$s")" >/dev/null 2>&1 || true; done
  pm network rm "$network" >/dev/null 2>&1 || true
  [ "${1:-}" = quiet ] || log "removed the kube play stack"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) die "usage: kube-play.sh up|down" ;;
esac
