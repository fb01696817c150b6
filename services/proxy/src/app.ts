import path from "node:path";
import { createHttpApp, type HttpMetrics, type Logger } from "@tollgate/service-kit";
import type { Express } from "express";
import type { TokenValidator } from "./domain/token-validator";
import { PROXY_PREFIX, proxyHandler } from "./http/proxy.handler";
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

/** The proxy's HTTP side; WebSocket upgrades are handled on the server by `createUpgradeHandler`. */
export function createApp(deps: ProxyAppDeps): Express {
  return createHttpApp({
    logger: deps.logger,
    metrics: deps.metrics,
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
    routes: (app) => {
      app.all(`${PROXY_PREFIX}/{*path}`, proxyHandler(deps));
      app.all(PROXY_PREFIX, proxyHandler(deps));
    },
  });
}
