import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { createHttpApp, createHttpMetrics, plainRoute, type HttpMetrics, type Logger } from "@tollgate/service-kit";
import type { TokenValidator } from "./domain/token-validator";
import { isProxyPath, PROXY_PREFIX, proxyHandler } from "./http/proxy.handler";
import type { Forwarder } from "./upstream/forwarder";

export interface ProxyAppDeps {
  logger: Logger;
  validator: TokenValidator;
  forwarder: Forwarder;
  basicAuth?: string;
  metrics?: HttpMetrics;
  readiness?: Record<string, () => Promise<unknown>>;
  isShuttingDown?: () => boolean;
}

export type ProxyApp = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The proxy's HTTP side; WebSocket upgrades are handled on the server by `createUpgradeHandler`.
 * Requests under the prefix skip express (two thirds of each proxied request's CPU went to its
 * router and middleware: README, "Proxy throughput") but get the same request id, access log,
 * metrics and error body; health, metrics and docs are the usual express app.
 */
export function createApp(deps: ProxyAppDeps): ProxyApp {
  const metrics = deps.metrics ?? createHttpMetrics();
  const proxy = plainRoute({ logger: deps.logger, metrics, route: `${PROXY_PREFIX}/*` }, proxyHandler({ ...deps, trustForwardedProto: true }));
  const app = createHttpApp({
    logger: deps.logger,
    metrics,
    // Bodies stream to the upstream untouched: no JSON parsing here.
    jsonBodyLimit: false,
    readiness: deps.readiness,
    isShuttingDown: deps.isShuttingDown,
    openapi: {
      title: "Tollgate proxy",
      version: "1.0.0",
      description: "Token-gated access to the upstream application (HTTP and WebSocket).",
      apis: [path.join(__dirname, "http", "*.handler.{ts,js}")],
    },
    routes: () => undefined,
  });
  return (req, res) => (isProxyPath(req.url ?? "/") ? proxy(req, res) : app(req, res));
}
