import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { tokenErrorCodes } from "@tollgate/contracts";
import { BreakerOpenError, executeUnlessProbing, isConnectionError, type Logger } from "@tollgate/service-kit";
import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy } from "cockatiel";
import httpProxy from "http-proxy";
import { Pool, type Dispatcher } from "undici";
import type { RewriteContext } from "./rewriter";
import { UpstreamResponseWriter } from "./response-writer";
import type { PublicSide } from "./upstream-request";
import type { UpstreamTarget } from "./upstream-target";

export interface ForwarderOptions {
  target: UpstreamTarget;
  basicAuth?: string;
  /** UPSTREAM_CONNECT_TIMEOUT_MS: how long a new connection to the upstream may take to open. */
  connectTimeoutMs: number;
  /** UPSTREAM_HEADERS_TIMEOUT_MS: how long the upstream may take to start its answer once the request is sent (WebSocket upgrades too). */
  headersTimeoutMs: number;
  /** UPSTREAM_TIMEOUT_MS: the longest silence inside a response body; a body may stream for as long as it keeps coming. */
  bodyTimeoutMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
  maxSockets: number;
  rewriteMaxBytes: number;
  logger: Logger;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);

export class UpstreamUnavailableError extends BreakerOpenError {
  constructor(retryAfterSeconds: number) {
    super("upstream", { retryAfterSeconds, errorCode: tokenErrorCodes.UPSTREAM_UNAVAILABLE });
  }
}

/** The upstream answered 502-504: it is there but cannot serve. Its answer still goes to the client. */
class UpstreamFailedAnswer extends Error {}

/** The client went away before the upstream answered: says nothing about the upstream. */
class ClientGone extends Error {}

/** The upstream opened the connection but no answer to the upgrade came in time. */
class UpgradeTimeout extends Error {
  readonly code = "UND_ERR_HEADERS_TIMEOUT";
}

/** Time-outs, and the upstream speaking broken HTTP (an `HPE_*` parser error, a body shorter or longer than it said). */
const UPSTREAM_FAILURE_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "ETIMEDOUT", "ENETUNREACH"]);

/**
 * What counts against the upstream's breaker, by the rule every breaker follows: a 502-504 answer,
 * a time-out, a connection error. Not a 4xx, not a 500 (one route's bug, or a client's input an
 * app does not validate: no client can open the breaker for everyone), not a client that left.
 */
export function isUpstreamFailure(error: unknown): boolean {
  if (error instanceof UpstreamFailedAnswer) return true;
  if (error instanceof ClientGone) return false;
  const code = (error as { code?: unknown } | undefined)?.code;
  return isConnectionError(error) || (typeof code === "string" && (UPSTREAM_FAILURE_CODES.has(code) || code.startsWith("HPE_")));
}

interface Exchange {
  /** Settles when the upstream's status line arrives: rejects for a 502-504, a failure, or a client that left first. */
  answered: Promise<void>;
  /** Settles when the response has gone out whole, or failed. */
  finished: Promise<void>;
}

/**
 * Forwards HTTP to the upstream over an undici connection pool and tunnels WebSocket upgrades
 * with http-proxy, both behind one breaker: while it is open, or while its one half-open probe is
 * in flight, requests fail at once with 503 UPSTREAM_UNAVAILABLE; a probe that is answered closes
 * it again. The breaker's verdict is the status line (a long download is not a long probe). A hung
 * upstream fails in UPSTREAM_CONNECT_TIMEOUT_MS / UPSTREAM_HEADERS_TIMEOUT_MS, not the 30 s it
 * took when one time-out bounded everything (#17); a body, or a WebSocket once open, may last as
 * long as it keeps going. Only idempotent requests without a body are retried, and only on
 * connection errors.
 *
 * undici rather than http-proxy for HTTP: bench/proxy measured bare http-proxy at 0.18 of nginx
 * proxy_pass and a bare undici pool at 0.45 in the same run (README, "Proxy throughput").
 */
export class Forwarder {
  readonly breaker: CircuitBreakerPolicy;
  private readonly retryAfterSeconds: number;
  private readonly pool: Pool;
  private readonly agent: http.Agent;
  private readonly wsProxy: httpProxy;
  private readonly contexts = new Map<string, RewriteContext>();
  private readonly log: Logger;
  private readonly pendingUpgrades = new WeakMap<IncomingMessage, () => void>();

  constructor(private readonly options: ForwarderOptions) {
    this.log = options.logger.child({ component: "forwarder" });
    // The pool takes an origin only; the base path is part of every request's path.
    this.pool = new Pool(options.target.origin, {
      connections: options.maxSockets,
      // undici starts this once the request (its body included) is sent, so a slow upload is not cut.
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      keepAliveTimeout: 10_000,
    });
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 });
    // Host is set by prepareUpstreamRequest (the upstream's own or the public one), so no changeOrigin.
    this.wsProxy = httpProxy.createProxyServer({ target: options.target.origin, agent: this.agent, changeOrigin: false, ws: true });
    this.wsProxy.on("error", (error) => this.log.debug("tunnel error", { error: error.message }));
    // One listener, with the waiting upgrade looked up by identity (no listener per request).
    this.wsProxy.on("proxyReqWs", (proxyReq, req) => {
      const resolve = this.pendingUpgrades.get(req);
      this.pendingUpgrades.delete(req);
      // The agent has no time-outs of its own: a frozen upstream held an upgrade for ever.
      const deadline = setTimeout(() => proxyReq.destroy(new UpgradeTimeout("the upstream did not answer the upgrade in time")), options.connectTimeoutMs + options.headersTimeoutMs);
      const answered = () => {
        clearTimeout(deadline);
        resolve?.();
      };
      proxyReq.once("upgrade", answered);
      proxyReq.once("response", answered);
      proxyReq.once("close", () => clearTimeout(deadline));
    });
    // Only a breaker here: undici's headers/body timeouts bound each attempt, and a timeout policy
    // would cost an AbortController (and an AbortError with its stack) on every request.
    this.breaker = circuitBreaker(handleWhen(isUpstreamFailure), { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) });
    this.retryAfterSeconds = Math.max(1, Math.ceil(options.halfOpenAfterMs / 1000));
  }

  /**
   * Forwards a request already shaped by `prepareUpstreamRequest`; `hasBody` from `requestHasBody`
   * before that. `side` says how the response is mapped back: headers always, bodies only under the
   * path prefix (the app origin serves the upstream's bytes as they are).
   */
  async web(req: IncomingMessage, res: ServerResponse, hasBody: boolean, side: PublicSide): Promise<void> {
    const retryable = IDEMPOTENT.has(req.method ?? "GET") && !hasBody;
    const context = this.rewriteContext(side);
    for (let attempt = 1; ; attempt++) {
      let finished: Promise<void> | undefined;
      try {
        await executeUnlessProbing(this.breaker, () => {
          const exchange = this.exchange(req, res, hasBody, context);
          finished = exchange.finished;
          return exchange.answered;
        });
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new UpstreamUnavailableError(this.retryAfterSeconds);
        if (error instanceof ClientGone || res.headersSent) return;
        if (!(error instanceof UpstreamFailedAnswer)) {
          if (retryable && attempt < 2 && isConnectionError(error)) continue;
          this.log.warn("upstream request failed", { error: error instanceof Error ? error.message : String(error) });
          throw new UpstreamUnavailableError(1);
        }
        // The upstream's own 502-504 counted against the breaker, and still goes to the client as sent.
      }
      try {
        await finished;
      } catch (error) {
        // Past the status line: a body that stopped (the client saw a cut response) or could not be rewritten.
        if (error instanceof ClientGone || res.headersSent) return;
        this.log.warn("upstream response failed", { error: error instanceof Error ? error.message : String(error) });
        throw new UpstreamUnavailableError(1);
      }
      return;
    }
  }

  /** Tunnels a WebSocket upgrade; resolves once the upstream has answered the upgrade. */
  async ws(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      await executeUnlessProbing(
        this.breaker,
        () =>
          new Promise<void>((resolve, reject) => {
            this.pendingUpgrades.set(req, resolve);
            this.wsProxy.ws(req, socket, head, {}, (error) => {
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

  async close(): Promise<void> {
    this.wsProxy.close();
    this.agent.destroy();
    await this.pool.destroy();
  }

  private rewriteContext(side: PublicSide): RewriteContext {
    let context = this.contexts.get(side.prefix);
    if (!context) {
      const { origin, basePath } = this.options.target;
      context = { upstreamOrigin: origin, basePath, prefix: side.prefix, rewriteBodies: side.prefix !== "" };
      this.contexts.set(side.prefix, context);
    }
    return context;
  }

  private exchange(req: IncomingMessage, res: ServerResponse, hasBody: boolean, context: RewriteContext): Exchange {
    let answer: { resolve: () => void; reject: (error: Error) => void } | undefined;
    let finish: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const answered = new Promise<void>((resolve, reject) => (answer = { resolve, reject }));
    const finished = new Promise<void>((resolve, reject) => (finish = { resolve, reject }));
    // Awaited only once the status line came; a failure before that is reported through `answered`.
    finished.catch(() => undefined);
    const clientGone = () => (res.destroyed && !res.writableFinished) || (req.destroyed && !req.complete);
    const writer = new UpstreamResponseWriter(
      res,
      context,
      this.options.rewriteMaxBytes,
      {
        started: (status) => (status >= 502 && status <= 504 ? answer?.reject(new UpstreamFailedAnswer(`upstream answered ${status}`)) : answer?.resolve()),
        done: () => finish?.resolve(),
        failed: (error) => {
          const reason = clientGone() ? new ClientGone("the client went away", { cause: error }) : error;
          answer?.reject(reason);
          finish?.reject(reason);
        },
      },
      req.method === "HEAD",
    );
    this.pool.dispatch({ path: req.url ?? "/", method: (req.method ?? "GET") as Dispatcher.HttpMethod, headers: req.headers, body: hasBody ? req : null }, writer);
    return { answered, finished };
  }
}
