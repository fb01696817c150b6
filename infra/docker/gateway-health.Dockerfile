# The gateway's /health aggregator, /metrics and log receiver (infra/gateway/health-aggregator.mjs).
#   docker build -f infra/docker/gateway-health.Dockerfile -t tollgate/gateway-health infra/gateway
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
RUN npm install --no-audit --no-fund --omit=dev prom-client@15.1.3 && npm cache clean --force
COPY *.mjs ./
USER node
CMD ["node", "health-aggregator.mjs"]
