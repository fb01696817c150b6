import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { tokenErrorCodes } from "@tollgate/contracts";
import { BreakerOpenError, isConnectionError, type Logger } from "@tollgate/service-kit";
import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from "cockatiel";
import httpProxy from "http-proxy";
import type { Grant } from "../domain/grant";
import type { RewriteContext } from "./rewriter";
import { writeUpstreamResponse } from "./response-writer";

export interface ForwarderOptions {
  upstreamUrl: string;
  basicAuth?: string;
  prefix: string;
  timeoutMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
  maxSockets: number;
  rewriteMaxBytes: number;
  logger: Logger;
}

/** Headers a client may not choose: identity is set by us, credentials for Tollgate stay here. */
const STRIPPED = ["x-access-token", "authorization", "x-user-id", "x-token-id", "proxy-authorization"];
const TOLLGATE_COOKIE = /^tollgate[_-]/i;
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);

export const upstreamPath = (url: string, prefix: string): string => {
  const rest = url.slice(prefix.length);
  return rest === "" || rest.startsWith("?") ? `/${rest}` : rest;
};

/** Mutates the incoming request into what the upstream should see. */
export function prepareUpstreamRequest(req: IncomingMessage, grant: Grant, options: { prefix: string; basicAuth?: string; requestId: string; remoteAddress: string; proto: string }): void {
  for (const name of STRIPPED) delete req.headers[name];
  const cookies = req.headers.cookie
    ?.split(";")
    .map((cookie) => cookie.trim())
    .filter((cookie) => cookie && !TOLLGATE_COOKIE.test(cookie));
  if (cookies && cookies.length > 0) req.headers.cookie = cookies.join("; ");
  else delete req.headers.cookie;
  const forwardedFor = req.headers["x-forwarded-for"];
  req.headers["x-forwarded-for"] = forwardedFor ? `${forwardedFor}, ${options.remoteAddress}` : options.remoteAddress;
  req.headers["x-forwarded-proto"] = options.proto;
  req.headers["x-forwarded-host"] = req.headers.host ?? "";
  req.headers["x-user-id"] = grant.userId;
  req.headers["x-token-id"] = grant.tokenId;
  req.headers["x-request-id"] = options.requestId;
  if (options.basicAuth) req.headers.authorization = `Basic ${Buffer.from(options.basicAuth).toString("base64")}`;
  req.url = upstreamPath(req.url ?? "/", options.prefix);
}

export class UpstreamUnavailableError extends BreakerOpenError {
  constructor(retryAfterSeconds: number) {
    super("upstream", { retryAfterSeconds, errorCode: tokenErrorCodes.UPSTREAM_UNAVAILABLE });
  }
}

/**
 * Forwards to the upstream with http-proxy over a keep-alive agent, behind a breaker: while it is
 * open, requests fail at once with 503 UPSTREAM_UNAVAILABLE; a half-open probe closes it again.
 * Only idempotent requests without a body are retried, and only on connection errors.
 */
export class Forwarder {
  readonly breaker: CircuitBreakerPolicy;
  private readonly retryAfterSeconds: number;
  readonly agent: http.Agent;
  private readonly proxy: httpProxy;
  private readonly rewriteContext: RewriteContext;
  private readonly log: Logger;
  private readonly pendingResponses = new WeakMap<IncomingMessage, { resolve: () => void; reject: (error: unknown) => void }>();
  private readonly pendingUpgrades = new WeakMap<IncomingMessage, () => void>();

  constructor(private readonly options: ForwarderOptions) {
    this.log = options.logger.child({ component: "forwarder" });
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 });
    this.proxy = httpProxy.createProxyServer({
      target: options.upstreamUrl,
      agent: this.agent,
      changeOrigin: true,
      selfHandleResponse: true,
      proxyTimeout: options.timeoutMs,
      ws: true,
    });
    this.proxy.on("error", (error) => this.log.debug("proxy error", { error: error.message }));
    // One listener each, with the waiting request looked up by identity (no listener per request).
    this.proxy.on("proxyRes", (proxyRes, req, res) => this.onProxyResponse(proxyRes, req, res as ServerResponse));
    this.proxy.on("proxyReqWs", (proxyReq, req) => {
      const resolve = this.pendingUpgrades.get(req);
      this.pendingUpgrades.delete(req);
      proxyReq.once("upgrade", () => resolve?.());
      proxyReq.once("response", () => resolve?.());
    });
    this.rewriteContext = { upstreamOrigin: new URL(options.upstreamUrl).origin, prefix: options.prefix };
    // Only a breaker here: http-proxy's proxyTimeout bounds each attempt, and a timeout policy
    // would cost an AbortController (and an AbortError with its stack) on every request.
    this.breaker = circuitBreaker(handleAll, { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) });
    this.retryAfterSeconds = Math.max(1, Math.ceil(options.halfOpenAfterMs / 1000));
  }

  async web(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const retryable = IDEMPOTENT.has(req.method ?? "GET") && !req.headers["content-length"] && !req.headers["transfer-encoding"];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.breaker.execute(() => this.once(req, res));
        return;
      } catch (error) {
        // The upstream's own answer (say a 503) already went to the client; it only counted as a failure.
        if (res.headersSent) return;
        if (error instanceof BrokenCircuitError) throw new UpstreamUnavailableError(this.retryAfterSeconds);
        if (retryable && attempt < 2 && isConnectionError(error)) continue;
        this.log.warn("upstream request failed", { error: error instanceof Error ? error.message : String(error) });
        throw new UpstreamUnavailableError(1);
      }
    }
  }

  /** Tunnels a WebSocket upgrade; resolves once the upstream has answered the upgrade. */
  async ws(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      await this.breaker.execute(
        () =>
          new Promise<void>((resolve, reject) => {
            this.pendingUpgrades.set(req, resolve);
            this.proxy.ws(req, socket, head, {}, (error) => {
              this.pendingUpgrades.delete(req);
              reject(error);
            });
          }),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new UpstreamUnavailableError(this.retryAfterSeconds);
      throw new UpstreamUnavailableError(1);
    }
  }

  close(): void {
    this.proxy.close();
    this.agent.destroy();
  }

  private once(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingResponses.set(req, { resolve, reject });
      this.proxy.web(req, res, {}, (error) => {
        this.pendingResponses.delete(req);
        reject(error);
      });
    });
  }

  private onProxyResponse(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    const pending = this.pendingResponses.get(req);
    this.pendingResponses.delete(req);
    const status = proxyRes.statusCode ?? 502;
    // A 502-504 from the upstream counts against the breaker, and is still passed to the client.
    const failed = status >= 502 && status <= 504;
    writeUpstreamResponse(proxyRes, res, this.rewriteContext, this.options.rewriteMaxBytes).then(
      () => (failed ? pending?.reject(new Error(`upstream answered ${status}`)) : pending?.resolve()),
      (error: unknown) => {
        pending?.reject(error);
        res.destroy();
      },
    );
  }
}
