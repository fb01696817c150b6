#!/usr/bin/env bash
# docker-compose.yml under podman-compose (Debian's 1.0.3), next to the machine's own stack:
#   bash infra/containers/compose.sh up      start everything, wait until every health check passes
#   bash infra/containers/compose.sh down    stop and remove the containers (volumes are kept;
#                                            `down --volumes` drops the databases too)
#   bash infra/containers/compose.sh health  wait again until every health check passes
#   bash infra/containers/compose.sh ps | logs <service> | <any podman-compose command>
# Only the gateway is published: TOLLGATE_GATEWAY_PORT (default here 18080) and
# TOLLGATE_GATEWAY_TLS_PORT (18443), so that it runs beside `npm start`'s 8080/8443; Postgres,
# Redis and Kafka stay on the compose network (docker-compose.override.yml is not read).
# Secrets are made once into .tollgate/containers/secrets.env (mode 0600, ignored by git).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"

export TOLLGATE_GATEWAY_PORT=${TOLLGATE_GATEWAY_PORT:-18080}
export TOLLGATE_GATEWAY_TLS_PORT=${TOLLGATE_GATEWAY_TLS_PORT:-18443}
project=tollgate
compose=(podman-compose -p "$project" -f docker-compose.yml)

containers() { pm ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'; }

# podman-compose 1.0.3 ignores depends_on conditions and podman runs no health check by itself
# without systemd: this runs each container's check until all pass, and waits for the one-shot
# gateway-config to exit 0. Services that started before their dependencies exit and are restarted
# by their `restart: unless-stopped`.
wait_healthy() {
  local timeout=${TOLLGATE_COMPOSE_TIMEOUT:-600} started pending name state
  started=$(date +%s)
  while :; do
    pending=()
    for name in $(containers); do
      if [ -n "$(pm inspect --format '{{if .Config.Healthcheck}}yes{{end}}' "$name")" ]; then
        pm healthcheck run "$name" >/dev/null 2>&1 || pending+=("$name")
      else
        state=$(pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name")
        case "$name:$state" in
          *gateway-config*:"exited 0") ;;
          *gateway-config*:exited*) pm logs "$name" >&2; die "$name failed ($state)" ;;
          *:running*) ;;
          *) pending+=("$name") ;;
        esac
      fi
    done
    if [ "${#pending[@]}" -eq 0 ] && curl -fsS -o /dev/null "http://127.0.0.1:$TOLLGATE_GATEWAY_PORT/health"; then
      log "every health check passes and the gateway answers /health on 127.0.0.1:$TOLLGATE_GATEWAY_PORT ($(( $(date +%s) - started ))s)"
      return 0
    fi
    if [ "$(( $(date +%s) - started ))" -ge "$timeout" ]; then
      die "not healthy after ${timeout}s: ${pending[*]:-gateway /health}"
    fi
    sleep 3
  done
}

cmd=${1:-up}; shift || true
prepare_podman
case "$cmd" in
  up)
    for s in "${services_all[@]}" gateway-config gateway-health; do
      image_exists "tollgate/$s:${TOLLGATE_IMAGE_TAG:-latest}" || die "no image tollgate/$s: run npm run containers:build first"
    done
    load_secrets
    "${compose[@]}" up -d "$@" >"$repo/.tollgate/containers/compose-up.log" 2>&1 \
      || { tail -20 "$repo/.tollgate/containers/compose-up.log" >&2; die "podman-compose up failed"; }
    wait_healthy ;;
  health) load_secrets; wait_healthy ;;
  down)
    load_secrets
    # podman-compose removes only the containers the file names: a token container that
    # rolling-replace.sh started (with the project's labels) goes here, before the network.
    # podman 4.3 with runc can fail the SIGKILL after a stop time-out ("container state improper:
    # stopped", seen here once): the removal is tried again.
    for name in $(containers); do
      case "$name" in
        "${project}_token_rolling-"*)
          pm rm -f -t 10 "$name" >/dev/null 2>&1 || pm rm -f "$name" >/dev/null ;;
      esac
    done
    if [ "${1:-}" = --volumes ]; then "${compose[@]}" down -v; else "${compose[@]}" down; fi
    left=$(containers)
    [ -z "$left" ] || die "still there after down: $left"
    # podman-compose 1.0.3 leaves the project's network behind.
    ! pm network exists "${project}_default" || pm network rm "${project}_default" >/dev/null ;;
  *) load_secrets; "${compose[@]}" "$cmd" "$@" ;;
esac
