import type { Request, RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Histogram, Registry, type Metric } from "prom-client";

/**
 * Series names, the same in every service:
 * - `process_*`, `nodejs_*`, `http_*`: the names dashboards for any Node service expect (CPU,
 *   memory, event-loop lag, GC, handles; requests and their duration), unprefixed.
 * - `tollgate_*`: what service-kit measures for every service (breakers, outbox, Kafka consumers).
 * - `<service>_*` (`auth_`, `token_`, `proxy_`, `game_`): what one service alone counts.
 * Counters end in `_total`; times are seconds, sizes bytes; a gauge that has a value from the start
 * is set from the start, so a missing series means a missing exporter, never "nothing yet".
 */
export interface HttpMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  duration: Histogram<"method" | "route" | "status">;
}

export interface HttpMetricsOptions {
  /**
   * Process and Node.js metrics (prom-client's defaults: CPU, memory, event-loop lag, GC, handles).
   * On in every service; a test that builds many apps in one process may turn them off.
   */
  defaultMetrics?: boolean;
}

/** The metric kinds, for services' own series: the kit owns the metrics runtime, services need no prom-client of their own. */
export { Counter, Gauge, Histogram } from "prom-client";
export type { Registry } from "prom-client";

/** One registry per app, so several apps in one test process never collide. */
export function createHttpMetrics({ defaultMetrics = true }: HttpMetricsOptions = {}): HttpMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request duration by method, route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/**
 * The metric of that name in `registry`, created by `create` the first time: for series several
 * objects of one service feed (every breaker, every consumer), which a registry holds only once.
 */
export function sharedMetric<T extends Metric>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** The route template (`/api/v1/tokens/:id`), never the raw path, so labels stay bounded. */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route?.path;
  return typeof route === "string" ? `${req.baseUrl}${route}` : "unmatched";
}

export function metricsMiddleware(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.duration.startTimer();
    res.once("finish", () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      metrics.requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
