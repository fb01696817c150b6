#!/usr/bin/env bash
# `npm run containers:build`: prepares podman (lib.sh), builds the base images once
# (build-base.sh), then one image per service from infra/docker/Dockerfile, as an operator would
# with Docker, and the gateway's two helper images; prints each image's size and build time.
#   bash infra/containers/build.sh [--clean] [--from-head] [service...]     (default: every service)
# --clean removes every tollgate image and podman's cached build layers first (a cold build).
# All images of one run are built from one copy of the sources, taken at the start: the working
# tree's files that git knows or would add (what `docker build .` sends, minus ignored files), or
# with --from-head the last commit. Others may edit the tree while the images build one by one.
# Images: tollgate/<service>:latest (also tagged with TOLLGATE_IMAGE_TAG when it is set; with
# TOLLGATE_TAG_LATEST=false only that tag, so a candidate image leaves the running :latest alone).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"

clean=() from_head=false
while [ "$#" -gt 0 ]; do
  case "$1" in
    --clean) clean=(--clean); shift ;;
    --from-head) from_head=true; shift ;;
    *) break ;;
  esac
done
services=("$@")
[ "${#services[@]}" -gt 0 ] || services=("${services_all[@]}" gateway-config gateway-health)
[ "${TOLLGATE_TAG_LATEST:-true}" != false ] || [ -n "${TOLLGATE_IMAGE_TAG:-}" ] || die "TOLLGATE_TAG_LATEST=false needs TOLLGATE_IMAGE_TAG"
shown_tag=${TOLLGATE_IMAGE_TAG:-latest}
[ "${TOLLGATE_TAG_LATEST:-true}" = false ] || shown_tag=latest

prepare_podman
if [ "${#clean[@]}" -gt 0 ]; then
  log "removing the tollgate images and cached build layers"
  pm images --format '{{.Repository}}:{{.Tag}}' | grep -E '^localhost/tollgate/' | xargs -r podman rmi -f >/dev/null || true
  pm image prune -f >/dev/null
fi
bash "$containers_dir/build-base.sh" "${clean[@]}"

context=$(mktemp -d "${TMPDIR:-/var/tmp}/tollgate-context.XXXXXX")
trap 'rm -rf "$context"' EXIT
if $from_head; then
  git archive HEAD | tar -x -C "$context"
else
  git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -x -C "$context"
fi
log "sources: $(if $from_head; then echo "commit $(git rev-parse --short HEAD)"; else echo "working tree of $(git rev-parse --short HEAD)"; fi)"

build_one() { # <name>: the podman build line an operator would type with docker
  local name=$1 tags=()
  [ "${TOLLGATE_TAG_LATEST:-true}" = false ] || tags+=(-t "tollgate/$name:latest")
  [ -z "${TOLLGATE_IMAGE_TAG:-}" ] || tags+=(-t "tollgate/$name:$TOLLGATE_IMAGE_TAG")
  # A label (key=value) makes a new image even from unchanged sources (rolling-replace.sh).
  [ -z "${TOLLGATE_IMAGE_LABEL:-}" ] || tags+=(--label "$TOLLGATE_IMAGE_LABEL")
  case "$name" in
    gateway-config | gateway-health)
      pm_build -q --layers -f "$context/infra/docker/$name.Dockerfile" \
        --build-arg NODE_IMAGE="$TOLLGATE_NODE_IMAGE" "${tags[@]}" "$context/infra/gateway" ;;
    *)
      pm_build -q --layers -f "$context/infra/docker/Dockerfile" --build-arg SERVICE="$name" \
        --build-arg NODE_IMAGE="$TOLLGATE_NODE_IMAGE" "${tags[@]}" "$context" ;;
  esac
}

printf '\n%-36s %8s %6s\n' "service image" "size" "time"
total_started=$(date +%s)
for name in "${services[@]}"; do
  started=$(date +%s)
  if ! out=$(build_one "$name" 2>&1); then printf '%s\n' "$out" >&2; die "building tollgate/$name failed"; fi
  printf '%-36s %8s %5ss\n' "tollgate/$name:$shown_tag" \
    "$(pm image inspect --format '{{.Size}}' "tollgate/$name:$shown_tag" | numfmt --to=si)" "$(( $(date +%s) - started ))"
done
printf '%-36s %8s %5ss\n' "all service images" "" "$(( $(date +%s) - total_started ))"
