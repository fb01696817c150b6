import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import { promisify } from "node:util";
import type { Dispatcher } from "undici";
import { rewritableKind, rewriteBody, rewriteRefresh, rewriteSetCookie, rewriteUrl, type RewritableKind, type RewriteContext } from "./rewriter";

const decoders: Record<string, (buffer: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  "x-gzip": promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

export function responseHeaders(upstream: IncomingHttpHeaders, ctx: RewriteContext): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name === "location" || name === "content-location") headers[name] = rewriteUrl(String(value), ctx);
    else if (name === "refresh") headers[name] = rewriteRefresh(String(value), ctx);
    else if (name === "set-cookie") headers[name] = (Array.isArray(value) ? value : [value]).map((cookie) => rewriteSetCookie(cookie, ctx));
    else headers[name] = value;
  }
  return headers;
}

export interface ResponseOutcome {
  /** The upstream's status, once the response went out whole. */
  done(status: number): void;
  /** The exchange failed; `res.headersSent` tells whether the client saw anything. */
  failed(error: Error): void;
}

/**
 * Writes one upstream response to the client as undici delivers it: text bodies up to `maxBytes`
 * are decompressed, rewritten and sent uncompressed with a correct Content-Length; everything else
 * streams as is, pausing the upstream while the client's socket is full.
 */
export class UpstreamResponseWriter implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 502;
  private headers: Record<string, string | string[]> = {};
  private buffering: { kind: RewritableKind; encoding: string; chunks: Buffer[]; size: number } | undefined;
  private finished = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: RewriteContext,
    private readonly maxBytes: number,
    private readonly outcome: ResponseOutcome,
    /** HEAD: the headers describe a body that never comes, so nothing is rewritten. */
    private readonly headOnly: boolean,
  ) {
    res.once("close", () => {
      // The client went away before the upstream finished: stop reading from it.
      if (!this.finished && this.controller && !this.controller.aborted) this.controller.abort(new Error("client closed the connection"));
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = responseHeaders(headers, this.ctx);
    const kind = rewritableKind(headers["content-type"]);
    const encoding = String(headers["content-encoding"] ?? "identity").toLowerCase();
    const declared = Number(headers["content-length"] ?? NaN);
    const decodable = encoding === "identity" || encoding in decoders;
    const bodyless = this.headOnly || statusCode === 204 || statusCode === 304;
    if (kind && decodable && !bodyless && !(Number.isFinite(declared) && declared > this.maxBytes)) {
      this.buffering = { kind, encoding, chunks: [], size: 0 };
      return;
    }
    this.res.writeHead(statusCode, this.headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const buffering = this.buffering;
    if (buffering) {
      buffering.chunks.push(chunk);
      buffering.size += chunk.length;
      if (buffering.size <= this.maxBytes) return;
      // Too big to rewrite after all: send what we have and stream the rest untouched.
      this.buffering = undefined;
      this.res.writeHead(this.status, this.headers);
      for (const buffered of buffering.chunks) this.write(controller, buffered);
      return;
    }
    this.write(controller, chunk);
  }

  onResponseEnd(): void {
    const buffering = this.buffering;
    if (!buffering) {
      this.end();
      return;
    }
    const raw = Buffer.concat(buffering.chunks, buffering.size);
    const decoded = buffering.encoding === "identity" ? Promise.resolve(raw) : (decoders[buffering.encoding] as (b: Buffer) => Promise<Buffer>)(raw);
    decoded.then(
      (plain) => {
        const body = Buffer.from(rewriteBody(buffering.kind, plain.toString("utf8"), this.ctx), "utf8");
        delete this.headers["content-encoding"];
        delete this.headers["etag"];
        this.headers["content-length"] = String(body.length);
        this.res.writeHead(this.status, this.headers);
        this.res.end(body);
        this.finish();
      },
      (error: Error) => this.onResponseError(undefined, error),
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.finished) return;
    this.finished = true;
    if (this.res.headersSent) this.res.destroy(error);
    this.outcome.failed(error);
  }

  private write(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk) || controller.paused) return;
    controller.pause();
    this.res.once("drain", () => controller.resume());
  }

  private end(): void {
    this.res.end();
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.outcome.done(this.status);
  }
}
