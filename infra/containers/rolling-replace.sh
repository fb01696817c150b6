#!/usr/bin/env bash
# Independent deployment, shown on the compose stack (compose.sh up first): rebuilds the token
# service's image, starts a container of it beside the running one on the compose network (same
# environment, same network alias `token`), reloads the gateway so that nginx knows both, stops the
# old container with SIGTERM (it drains), reloads the gateway again; all while
# rolling-traffic.mjs buys, uses and lists tokens through the gateway. Then checks that no event
# was lost and that each side reads the other's events across versions:
#   - every token used during the run is activated, every outbox row is sent, and the auth
#     service (not replaced) wrote one token_activated audit row per token, those activated by
#     the new container included;
#   - disabling the traffic's user at the auth service (user.disabled, old version) makes the new
#     token service revoke that user's tokens, and its token.revoked events make the proxy (old
#     version) refuse a token it had cached.
# The traffic retries as the SDK does (README): a purchase with its Idempotency-Key on no answer,
# 502/503/504 or 409 IDEMPOTENCY_KEY_IN_USE; a GET once, 100 ms later, when it got no answer.
# Prints both image ids (it refuses to roll out the running image) and the figures; exits 1 when a
# request failed beyond those retries or an event is missing.
#   bash infra/containers/rolling-replace.sh
#   NEXT_IMAGE=tollgate/token:<tag> bash infra/containers/rolling-replace.sh   (an image built before)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"
export TOLLGATE_GATEWAY_PORT=${TOLLGATE_GATEWAY_PORT:-18080}
gateway="http://127.0.0.1:$TOLLGATE_GATEWAY_PORT"
project=tollgate
network=${project}_default
work=$(mktemp -d)
traffic_pid=""
cleanup() { touch "$work/stop"; [ -z "$traffic_pid" ] || wait "$traffic_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

in_project() { pm ps --filter "label=io.podman.compose.project=$project" --filter "label=$1" --format '{{.Names}}'; }
old=$(in_project com.docker.compose.service=token | head -1)
gateway_ctr=$(in_project com.docker.compose.service=gateway | head -1)
postgres_ctr=$(in_project com.docker.compose.service=postgres | head -1)
auth_ctr=$(in_project com.docker.compose.service=auth | head -1)
[ -n "$old" ] && [ -n "$gateway_ctr" ] || die "the compose stack is not up (bash infra/containers/compose.sh up)"
curl -fsS -o /dev/null "$gateway/health" || die "$gateway/health does not answer 200"
sql() { pm exec "$postgres_ctr" psql -U postgres -d "$1" -Atc "$2"; }
reload_gateway() { pm exec "$gateway_ctr" nginx -p /state/conf -c /state/conf/nginx.conf -s reload; }
ready() { pm exec "$1" node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; }
stamp() { date -u +%H:%M:%S.%3N; }

# 1. The new image: the same Dockerfile from the last commit (build.sh --from-head), tagged
#    tollgate/token:<next> and labelled, so it is a new image even when the sources have not changed.
#    NEXT_IMAGE=tollgate/token:<tag> skips the build and rolls out that image.
next=rolling-$(date +%s)
t0=$(date +%s)
if [ -n "${NEXT_IMAGE:-}" ]; then
  pm tag "$NEXT_IMAGE" "tollgate/token:$next"
else
  TOLLGATE_IMAGE_TAG=$next TOLLGATE_IMAGE_LABEL="tollgate.rollout=$next" \
    bash "$containers_dir/build.sh" --from-head token >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "building the token image failed"; }
fi
old_image=$(pm inspect --format '{{.Image}}' "$old")
new_image=$(pm image inspect --format '{{.Id}}' "tollgate/token:$next")
log "tollgate/token:$next ready in $(( $(date +%s) - t0 ))s"
echo "running image: $old_image ($old)"
echo "new image:     $new_image (tollgate/token:$next)"
[ "$old_image" != "$new_image" ] || die "the new image is the running one: nothing would be replaced"

# 2. Traffic through the gateway.
node "$containers_dir/rolling-traffic.mjs" "$gateway" "$work/stop" "$work/result.json" &
traffic_pid=$!
for _ in $(seq 1 60); do [ -f "$work/result.json.ready" ] && break; sleep 0.5; done
[ -f "$work/result.json.ready" ] || die "the traffic did not start"
sleep "${BEFORE_SECONDS:-8}"

# 3. The new container beside the old one: its environment, labels and restart policy, the new image.
new="${project}_token_$next"
env_args=()
while IFS= read -r line; do
  case "$line" in PATH=* | HOSTNAME=* | container=* | HOME=* | NODE_EXTRA_CA_CERTS=* | SERVICE=* | NODE_VERSION=*) ;; *) env_args+=(-e "$line") ;; esac
done < <(pm inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$old" | sed '/^$/d')
label_args=()
while IFS= read -r line; do label_args+=(--label "$line"); done < <(pm inspect --format '{{range $k, $v := .Config.Labels}}{{printf "%s=%s\n" $k $v}}{{end}}' "$old" | grep -E '^(io\.podman\.compose|com\.docker\.compose)' )
echo "$(stamp) starting $new" >> "$work/timeline"
pm run -d --name "$new" --network "$network" --network-alias token --restart unless-stopped \
  "${label_args[@]}" "${env_args[@]}" "tollgate/token:$next" >/dev/null
t0=$(date +%s)
until ready "$new" >/dev/null 2>&1; do
  sleep 0.5
  [ "$(( $(date +%s) - t0 ))" -lt 120 ] || die "$new not ready after 120s"
done
echo "$(stamp) $new ready after $(( $(date +%s) - t0 ))s" >> "$work/timeline"
reload_gateway
echo "$(stamp) gateway reloaded: both token containers behind it" >> "$work/timeline"
sleep "${OVERLAP_SECONDS:-5}"

# 4. The old one drains and goes; the gateway forgets its address.
t0=$(date +%s)
# Without systemd podman logs an error for the health check timer it cannot remove: dropped.
quiet_timer() { grep -v 'unable to get systemd connection to remove healthchecks' >&2 || true; }
pm stop -t 30 "$old" >/dev/null 2> >(quiet_timer)
echo "$(stamp) $old stopped (SIGTERM, drained in $(( $(date +%s) - t0 ))s)" >> "$work/timeline"
swapped_at=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
reload_gateway
pm rm "$old" >/dev/null 2> >(quiet_timer)
echo "$(stamp) gateway reloaded: only $new" >> "$work/timeline"
sleep "${AFTER_SECONDS:-10}"
touch "$work/stop"
wait "$traffic_pid"; traffic_pid=""
cat "$work/timeline"

# 5. Figures.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const retried = (path) => r.safeRetries.filter((x) => x.path === path).length;
console.log(`traffic: ${r.seconds.toFixed(1)} s, ${r.purchases} purchases (${r.purchaseRetries} retries as documented, ${r.purchaseFailures.length} failed after them), ${r.proxied} proxied first uses (${retried("/api/v1/proxy/headers")} GETs retried once with no answer, ${r.proxyFailures.length} failed after that), ${r.revoked} revocations (${r.revokeFailures.length} failed), ${r.listed} token lists (${retried("/api/v1/tokens/my-tokens")} retried, ${r.listFailures.length} failed after that)`);
for (const x of r.safeRetries) console.log("  GET retried:", JSON.stringify(x));
for (const f of [...r.purchaseFailures, ...r.proxyFailures, ...r.revokeFailures, ...r.listFailures].slice(0, 20)) console.log("  failure:", JSON.stringify(f));
' "$work/result.json"
failures=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.purchaseFailures.length + r.proxyFailures.length + r.revokeFailures.length + r.listFailures.length)' "$work/result.json")
user_id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).userId)' "$work/result.json")
ids=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).tokens.map((t) => `'"'"'${t}'"'"'`).join(","))' "$work/result.json")
used=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).tokens.length)' "$work/result.json")

lost=0
for _ in $(seq 1 30); do
  unsent=$(sql tollgate_token "select count(*) from outbox where sent_at is null")
  audited=$(sql tollgate_auth "select count(distinct details->>'token_id') from audit_logs where action = 'token_activated' and details->>'token_id' in ($ids)")
  [ "$unsent" = 0 ] && [ "$audited" = "$used" ] && break
  sleep 1
done
activated=$(sql tollgate_token "select count(*) from access_tokens where activated_at is not null and id in ($ids)")
after_ids=$(sql tollgate_token "select string_agg(quote_literal(id::text), ',') from access_tokens where activated_at >= '$swapped_at' and id in ($ids)")
after=0 audited_after=0
if [ -n "$after_ids" ]; then
  after=$(sql tollgate_token "select count(*) from access_tokens where id::text in ($after_ids)")
  audited_after=$(sql tollgate_auth "select count(distinct details->>'token_id') from audit_logs where action = 'token_activated' and details->>'token_id' in ($after_ids)")
fi
echo "events: $used tokens used; $activated activated in the token database; $unsent outbox rows unsent; $audited token_activated audit rows at the auth service (old version), $audited_after of the $after tokens the new container alone activated (after the old one stopped)"
[ "$activated" = "$used" ] && [ "$unsent" = 0 ] && [ "$audited" = "$used" ] && [ "$audited_after" = "$after" ] || lost=1

# 6. The other direction: the old auth service's user.disabled, read by the new token service,
#    which revokes the user's tokens; its token.revoked, read by the old proxy, which then refuses a
#    token it had cached.
admin="rolling-admin-${next#rolling-}"
admin_password="a long passphrase for $admin"
printf '%s\n' "$admin_password" | pm exec -i "$auth_ctr" node services/auth/dist/create-admin.js \
  --email "$admin@example.test" --username "$admin" --password-stdin >/dev/null
reverse=$(node - "$gateway" "$admin" "$admin_password" "$user_id" "$work/result.json" <<'JS'
const [gateway, admin, password, userId, resultFile] = process.argv.slice(2);
const { lastToken } = JSON.parse(require("node:fs").readFileSync(resultFile, "utf8"));
const call = (method, path, headers = {}, body) => fetch(gateway + path, {
  method, headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers }, body: body && JSON.stringify(body) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const login = await (await call("POST", "/api/v1/auth/login", {}, { login: admin, password })).json();
  const auth = { authorization: `Bearer ${login.access_token}` };
  const before = (await call("GET", "/api/v1/proxy/headers", { "x-access-token": lastToken })).status;
  const t0 = Date.now();
  const disabled = await call("POST", `/api/v1/admin/users/${userId}/disable`, auth);
  if (!disabled.ok) throw new Error(`disable: ${disabled.status} ${await disabled.text()}`);
  let revokedAfter, refusedAfter;
  for (let i = 0; i < 150 && (revokedAfter === undefined || refusedAfter === undefined); i++) {
    if (revokedAfter === undefined) {
      const page = await (await call("GET", `/api/v1/admin/tokens?user_id=${userId}&status=active&limit=1`, auth)).json();
      if (Array.isArray(page.tokens) && page.tokens.length === 0) revokedAfter = Date.now() - t0;
    }
    if (refusedAfter === undefined && (await call("GET", "/api/v1/proxy/headers", { "x-access-token": lastToken })).status === 401) refusedAfter = Date.now() - t0;
    if (revokedAfter === undefined || refusedAfter === undefined) await sleep(200);
  }
  console.log(`user disabled at the auth service: the new token service had revoked all the user's tokens after ${revokedAfter ?? "never (30 s)"} ms; the proxy refused a token it had served (${before} before) after ${refusedAfter ?? "never (30 s)"} ms`);
  process.exit(revokedAfter !== undefined && refusedAfter !== undefined ? 0 : 1);
})().catch((e) => { console.log(`reverse check failed: ${e.message}`); process.exit(1); });
JS
) && reverse_ok=1 || reverse_ok=0
echo "$reverse"
[ "$failures" = 0 ] && [ "$lost" = 0 ] && [ "$reverse_ok" = 1 ] || exit 1
