# Shared by the infra/containers scripts (sourced, not run): podman set-up and image names.
# shellcheck shell=bash

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
containers_dir="$repo/infra/containers"
# Build inputs that are not source (the Debian root file system, the Node binary): outside the repo.
cache_dir=${TOLLGATE_CONTAINERS_CACHE:-/var/tmp/tollgate-containers}

# Base images, built here from Debian's packages because no container registry is reachable from
# the machines this project is built on. Where one is, point these at the official images instead
# (node:20-bookworm-slim, postgres:15-alpine, …): docker-compose.yml and the Dockerfile take the
# same variables and default to the official names.
: "${TOLLGATE_DEBIAN_IMAGE:=localhost/tollgate-base/debian:bookworm}"
: "${TOLLGATE_NODE_IMAGE:=localhost/tollgate-base/node:20-bookworm-slim}"
: "${TOLLGATE_POSTGRES_IMAGE:=localhost/tollgate-base/postgres:15-bookworm}"
: "${TOLLGATE_REDIS_IMAGE:=localhost/tollgate-base/redis:7-bookworm}"
: "${TOLLGATE_NGINX_IMAGE:=localhost/tollgate-base/nginx:bookworm}"
: "${TOLLGATE_JRE_IMAGE:=localhost/tollgate-base/jre:17-bookworm}"
: "${TOLLGATE_KAFKA_IMAGE:=localhost/tollgate-base/kafka:3.9.1}"
export TOLLGATE_DEBIAN_IMAGE TOLLGATE_NODE_IMAGE TOLLGATE_POSTGRES_IMAGE TOLLGATE_REDIS_IMAGE \
  TOLLGATE_NGINX_IMAGE TOLLGATE_JRE_IMAGE TOLLGATE_KAFKA_IMAGE

services_all=(demo-upstream auth billing token proxy game-realtime)

log() { printf '[containers] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# runc with cgroupfs: crun fails on this machine kind (rlimits, hybrid cgroups) and there is no
# systemd to manage cgroups. Also written to containers.conf (below) so that podman-compose and
# `podman system service`, which call podman without these flags, get the same.
pm() { podman --runtime runc --cgroup-manager=cgroupfs "$@"; }

image_exists() { pm image exists "$1"; }

# Builds get the open-file limit of this shell: buildah's RUN steps default to 1024 here, and
# `npm ci` runs out of them (EMFILE). Docker's default is higher; nothing to pass there.
pm_build() { nice -n 10 podman --runtime runc --cgroup-manager=cgroupfs build --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" "$@"; }

# Installs podman from Debian when it is missing and writes the engine settings this machine
# needs. Idempotent: does nothing when both are in place.
prepare_podman() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v podman-compose >/dev/null || missing+=(podman-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; install them as root (apt-get install -y ${missing[*]})"
    log "installing ${missing[*]} from Debian"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null
  fi
  local conf=/etc/containers/containers.conf
  if ! grep -qs 'tollgate: engine settings' "$conf"; then
    if [ -s "$conf" ]; then
      log "$conf exists and was not written here; leaving it alone (the scripts pass --runtime runc --cgroup-manager=cgroupfs)"
    else
      [ -w /etc/containers ] || die "cannot write $conf; run as root once"
      cat > "$conf" <<'CONF'
# tollgate: engine settings for machines without systemd whose crun fails (written by
# infra/containers/lib.sh). The default ulimits would exceed what this kernel allows a container.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
      log "wrote $conf"
    fi
  fi
}

# Secrets of the local container stacks (compose, kube play): made once, mode 0600, ignored by git.
secrets_file="$repo/.tollgate/containers/secrets.env"
make_secrets() {
  [ -s "$secrets_file" ] && return 0
  mkdir -p "$(dirname "$secrets_file")"
  ( umask 077; node > "$secrets_file.part" <<'JS'
const { createHash, generateKeyPairSync, randomBytes } = require("node:crypto");
const hex = (n) => randomBytes(n).toString("hex");
const sha = (s) => createHash("sha256").update(s).digest("hex");
const proxy = hex(24), token = hex(24);
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: `compose-${hex(4)}` };
const lines = {
  TOLLGATE_PROXY_CLIENT_SECRET: proxy, TOLLGATE_PROXY_CLIENT_SECRET_SHA256: sha(proxy),
  TOLLGATE_TOKEN_CLIENT_SECRET: token, TOLLGATE_TOKEN_CLIENT_SECRET_SHA256: sha(token),
  TOLLGATE_SIGNING_KEYS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  TOLLGATE_IDEMPOTENCY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  TOLLGATE_IDENTITY_ASSERTION_KEYS: JSON.stringify({ keys: [jwk] }),
};
for (const [k, v] of Object.entries(lines)) console.log(`${k}='${v}'`);
JS
  ) && mv "$secrets_file.part" "$secrets_file"
  log "made new secrets in $secrets_file"
}

load_secrets() { make_secrets; set -a; source "$secrets_file"; set +a; }

