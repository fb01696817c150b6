import express, { type Express } from "express";
import type { Logger } from "../logger";
import { accessLog } from "./access-log";
import { errorHandler, notFoundHandler } from "./error-handler";
import { healthRouter, type ReadinessCheck } from "./health";
import { jsonBody } from "./json-body";
import { createHttpMetrics, metricsMiddleware, type HttpMetrics } from "./metrics";
import { openApiRouter, type OpenApiOptions } from "./openapi";
import { requestIdMiddleware } from "./request-id";

export interface HttpAppOptions {
  logger: Logger;
  /** Readiness checks by name, run by `GET /health/ready`. */
  readiness?: Record<string, ReadinessCheck>;
  metrics?: HttpMetrics;
  openapi?: OpenApiOptions;
  /** JSON body limit (e.g. "100kb"), or false for a service that streams bodies itself. */
  jsonBodyLimit?: string | false;
  /** Reports whether the process is draining, so readiness fails during shutdown. */
  isShuttingDown?: () => boolean;
  /** Express `trust proxy` (the gateway sets X-Forwarded-For). */
  trustProxy?: boolean | string | number;
  /** Mounts the service's own routers between the shared middleware and the error handler. */
  routes: (app: Express) => void;
}

/**
 * The express app every service starts from: request id, access log, metrics, health, OpenAPI,
 * JSON bodies, the service's routes, then 404 and the one error handler. It never listens.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  const metrics = options.metrics ?? createHttpMetrics();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? "loopback");
  app.use(requestIdMiddleware);
  app.use(accessLog(options.logger));
  app.use(metricsMiddleware(metrics));
  app.use(healthRouter(options.readiness ?? {}, options.isShuttingDown ?? (() => false)));
  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  if (options.openapi) app.use(openApiRouter(options.openapi));
  if (options.jsonBodyLimit !== false) app.use(jsonBody(options.jsonBodyLimit ?? "100kb"));
  options.routes(app);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
