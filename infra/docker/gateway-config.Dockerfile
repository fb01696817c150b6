# Makes the gateway's configuration as the local stack does, into /state (a volume nginx reads):
# a certificate from local-tls.sh and nginx.conf from render.mjs (which refuses an unset variable).
#   docker build -f infra/docker/gateway-config.Dockerfile -t tollgate/gateway-config infra/gateway
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
RUN command -v openssl >/dev/null \
  || { apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*; }
COPY . /gateway/
# An empty volume mounted on /state takes this folder's owner, so the job needs no root.
RUN mkdir -p /state && chown node:node /state
USER node
ENV TLS_NAMES="127.0.0.1 localhost app.localhost"
CMD ["sh", "-c", "sh /gateway/local-tls.sh /state/tls $TLS_NAMES && node /gateway/render.mjs /state/conf"]
