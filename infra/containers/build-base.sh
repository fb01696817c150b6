#!/usr/bin/env bash
# Builds the base images the Dockerfile and docker-compose.yml need, from Debian's packages and
# this machine's Node, once: an image that exists is kept (--clean removes them and the Debian
# root file system first). Names: lib.sh (TOLLGATE_*_IMAGE).
#   bash infra/containers/build-base.sh [--clean]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mirror=${TOLLGATE_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
base_dir="$containers_dir/base"

timed_build() { # <image> <command...>: runs the command, prints the image's size and build time
  local image=$1 started; shift
  started=$(date +%s)
  "$@"
  printf '%-52s %8s %5ss\n' "$image" "$(pm image inspect --format '{{.Size}}' "$image" | numfmt --to=si)" "$(( $(date +%s) - started ))"
}

debian_rootfs() {
  local rootfs="$cache_dir/rootfs" tarball="$cache_dir/debian-bookworm.tar"
  [ -s "$tarball" ] && return 0
  if [ ! -f "$rootfs/.debootstrap-done" ]; then
    log "debootstrap bookworm (minbase) from $mirror"
    rm -rf "$rootfs"; mkdir -p "$cache_dir"
    nice -n 10 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$cache_dir/debootstrap.log" 2>&1 \
      || die "debootstrap failed; see $cache_dir/debootstrap.log"
    touch "$rootfs/.debootstrap-done"
  fi
  # Slim like the official Debian images: no documentation, no recommends, no apt caches.
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$rootfs/etc/apt/apt.conf.d/99slim"
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" > "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/*.log
  rm -f "$rootfs/.debootstrap-done"
  tar -C "$rootfs" --numeric-owner -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$rootfs"
}

build_debian() {
  debian_rootfs
  pm import -q --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$cache_dir/debian-bookworm.tar" "$TOLLGATE_DEBIAN_IMAGE" >/dev/null
}

# Base images install packages from Debian's mirror: they build on the host's network.
build_from() { # <image> <dockerfile> <context> [build args...]
  local image=$1 file=$2 context=$3; shift 3
  pm_build -q --network host --layers \
    --build-arg DEBIAN_IMAGE="$TOLLGATE_DEBIAN_IMAGE" "$@" -f "$file" -t "$image" "$context" >"$cache_dir/build-$(basename "$file" .Dockerfile).log" 2>&1 \
    || die "building $image failed; see $cache_dir/build-$(basename "$file" .Dockerfile).log"
}

build_node() {
  local context="$cache_dir/node-context" node npm_dir
  node=$(readlink -f "$(command -v node)") || die "no node on PATH"
  "$node" -e 'process.exit(process.versions.node.split(".")[0] === "20" ? 0 : 1)' || die "$node is not Node 20"
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  rm -rf "$context"; mkdir -p "$context"
  cp "$node" "$context/node"
  cp -a "$npm_dir" "$context/npm"
  local headers
  headers=$(cd "$(dirname "$node")/.." && pwd)/include/node
  [ -f "$headers/node.h" ] || die "no Node headers at $headers (Debian: they come with the nodejs package)"
  cp -a "$headers" "$context/include"
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt" \
    || die "no CA bundle at ${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
  build_from "$TOLLGATE_NODE_IMAGE" "$base_dir/node.Dockerfile" "$context"
}

build_kafka() {
  local context="$cache_dir/kafka-context"
  bash "$repo/infra/kafka/kafka.sh" install
  rm -rf "$context"; mkdir -p "$context"
  cp -a "$repo/infra/kafka/.cache/lib" "$context/libs"
  cp "$base_dir"/kafka-run.sh "$base_dir"/kafka-class.sh "$base_dir"/kafka-log4j.properties "$context/"
  build_from "$TOLLGATE_KAFKA_IMAGE" "$base_dir/kafka.Dockerfile" "$context" --build-arg JRE_IMAGE="$TOLLGATE_JRE_IMAGE"
}

ensure() { # <image> <builder...>
  local image=$1; shift
  if image_exists "$image"; then printf '%-52s %8s  cached\n' "$image" "$(pm image inspect --format '{{.Size}}' "$image" | numfmt --to=si)"; return 0; fi
  timed_build "$image" "$@"
}

base_images=("$TOLLGATE_KAFKA_IMAGE" "$TOLLGATE_JRE_IMAGE" "$TOLLGATE_NGINX_IMAGE" "$TOLLGATE_REDIS_IMAGE"
  "$TOLLGATE_POSTGRES_IMAGE" "$TOLLGATE_NODE_IMAGE" "$TOLLGATE_DEBIAN_IMAGE")

main() {
  prepare_podman
  if [ "${1:-}" = --clean ]; then
    log "removing the base images and the Debian root file system"
    for image in "${base_images[@]}"; do image_exists "$image" && pm rmi -f "$image" >/dev/null; done
    rm -f "$cache_dir/debian-bookworm.tar"
  fi
  printf '%-52s %8s %6s\n' "base image" "size" "time"
  ensure "$TOLLGATE_DEBIAN_IMAGE" build_debian
  ensure "$TOLLGATE_NODE_IMAGE" build_node
  ensure "$TOLLGATE_POSTGRES_IMAGE" build_from "$TOLLGATE_POSTGRES_IMAGE" "$base_dir/postgres.Dockerfile" "$base_dir"
  ensure "$TOLLGATE_REDIS_IMAGE" build_from "$TOLLGATE_REDIS_IMAGE" "$base_dir/redis.Dockerfile" "$base_dir"
  ensure "$TOLLGATE_NGINX_IMAGE" build_from "$TOLLGATE_NGINX_IMAGE" "$base_dir/nginx.Dockerfile" "$base_dir"
  ensure "$TOLLGATE_JRE_IMAGE" build_from "$TOLLGATE_JRE_IMAGE" "$base_dir/jre.Dockerfile" "$base_dir"
  ensure "$TOLLGATE_KAFKA_IMAGE" build_kafka
}

main "$@"
