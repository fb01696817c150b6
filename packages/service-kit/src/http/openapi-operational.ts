import type { OpenApiPathItem } from "./openapi-document";

/**
 * What the kit serves on every service besides its routes, for the internal document: the
 * orchestrator's probes and the metrics scrape. The gateway routes none of them.
 */
export const operationalPaths: Record<string, OpenApiPathItem> = {
  "/health/live": {
    get: {
      operationId: "getLiveness",
      summary: "Liveness: the process answers",
      tags: ["operations"],
      security: [],
      "x-internal": true,
      responses: { "200": { description: "Alive", content: { "application/json": { schema: { $ref: "#/components/schemas/HealthLive" } } } } },
    },
  },
  "/health/ready": {
    get: {
      operationId: "getReadiness",
      summary: "Readiness: every dependency this service cannot serve without answers within 2 s, and it is not shutting down",
      tags: ["operations"],
      security: [],
      "x-internal": true,
      responses: {
        "200": { description: "`ready`: each check is `ok`; `degraded`: a check of a dependency the service keeps serving without (its Kafka consumers) failed", content: { "application/json": { schema: { $ref: "#/components/schemas/HealthReady" } } } },
        "503": {
          description: "`NOT_READY`: a check failed (`failed: <why>`), or the service is draining",
          headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
          content: { "application/json": { schema: { $ref: "#/components/schemas/NotReadyErrorBody" } } },
        },
      },
    },
  },
  "/metrics": {
    get: {
      operationId: "getMetrics",
      summary: "Prometheus metrics (text exposition format)",
      tags: ["operations"],
      security: [],
      "x-internal": true,
      responses: {
        "200": {
          description: "Request counts and durations by route and status, plus the service's own metrics",
          content: { "text/plain": { schema: { type: "string" }, example: 'http_requests_total{method="GET",route="/health/live",status="200"} 1\n' } },
        },
      },
    },
  },
};
