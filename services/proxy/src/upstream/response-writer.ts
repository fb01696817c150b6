import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from "node:zlib";
import type { Dispatcher } from "undici";
import { responseHeaders } from "./response-headers";
import { rewritableKind, rewriteBody, type RewritableKind } from "./rewriter";
import type { RewriteContext } from "./url-mapping";

/** Decodes a body, refusing (RangeError) to produce more than `maxOutputLength` bytes. */
type Decode = (buffer: Buffer, maxOutputLength: number) => Promise<Buffer>;
const bounded =
  (codec: (buffer: Buffer, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void): Decode =>
  (buffer, maxOutputLength) =>
    new Promise((resolve, reject) => codec(buffer, { maxOutputLength }, (error, result) => (error ? reject(error) : resolve(result))));
/**
 * The limit holds for the *decoded* size: a 200 KB gzip body can expand to gigabytes, and decoding
 * it whole took the proxy's heap (a compression bomb). Past the limit the body goes out as sent.
 */
const decoders = new Map<string, Decode>([
  ["identity", (buffer) => Promise.resolve(buffer)],
  ["gzip", bounded(gunzip)],
  ["x-gzip", bounded(gunzip)],
  ["deflate", bounded(inflate)],
  ["br", bounded(brotliDecompress)],
]);
/** Headers that describe the upstream's bytes, and are wrong once the body is rewritten. */
const BODY_BOUND = ["content-encoding", "content-length", "etag", "accept-ranges", "content-md5", "content-digest", "repr-digest", "digest"];
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The body as text, or undefined when it does not decode: a Content-Encoding that lies, bytes
 * that are not UTF-8, or more than `maxBytes` once decoded. Such a body is not ours to understand, and goes out as the upstream sent it.
 */
async function decodeText(decode: Decode, raw: Buffer, maxBytes: number): Promise<string | undefined> {
  try {
    return utf8.decode(await decode(raw, maxBytes));
  } catch {
    return undefined;
  }
}

export interface ResponseOutcome {
  /** The upstream's final status line arrived (before any of it is written to the client). */
  started?(status: number): void;
  /** The upstream's status, once the response went out whole. */
  done(status: number): void;
  /** The exchange failed; `res.headersSent` tells whether the client saw anything. */
  failed(error: Error): void;
}

/**
 * Writes one upstream response to the client as undici delivers it. Headers always go through
 * `responseHeaders`. With `ctx.rewriteBodies`, an HTML or CSS body (see `rewritableKind`) of a
 * complete 200-like response up to `maxBytes` is buffered, decoded (gzip, deflate, br) and
 * rewritten; if that changes it, it goes out uncompressed with a fresh Content-Length and without
 * the headers bound to the upstream's bytes (ETag, Accept-Ranges, digests), otherwise the
 * upstream's own bytes and headers go out. Everything else (JavaScript, JSON, binaries, partial
 * content, other charsets, anything larger, and every body on the app origin) streams as is,
 * pausing the upstream while the client's socket is full.
 */
export class UpstreamResponseWriter implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 502;
  private headers: Record<string, string | string[]> = {};
  private buffering: { kind: RewritableKind; decode: Decode; chunks: Buffer[]; size: number } | undefined;
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
    this.outcome.started?.(statusCode);
    this.headers = responseHeaders(headers, this.ctx);
    const kind = this.rewritable(statusCode, headers);
    const decode = kind && decoders.get(String(headers["content-encoding"] ?? "identity").trim().toLowerCase());
    if (kind && decode) {
      this.buffering = { kind, decode, chunks: [], size: 0 };
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
    void this.sendRewritten(buffering.kind, buffering.decode, Buffer.concat(buffering.chunks, buffering.size));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.finished) return;
    this.finished = true;
    if (this.res.headersSent) this.res.destroy(error);
    this.outcome.failed(error);
  }

  private rewritable(statusCode: number, headers: IncomingHttpHeaders): RewritableKind | undefined {
    // 206: a byte range of a document is not a document; 204/304 and HEAD have no body.
    if (!this.ctx.rewriteBodies || this.headOnly || statusCode === 204 || statusCode === 206 || statusCode === 304) return undefined;
    const declared = Number(headers["content-length"] ?? NaN);
    if (Number.isFinite(declared) && declared > this.maxBytes) return undefined;
    return rewritableKind(headers["content-type"]);
  }

  private async sendRewritten(kind: RewritableKind, decode: Decode, raw: Buffer): Promise<void> {
    let body = raw;
    try {
      const text = await decodeText(decode, raw, this.maxBytes);
      const rewritten = text === undefined ? undefined : rewriteBody(kind, text, this.ctx);
      if (rewritten !== undefined && rewritten !== text) {
        body = Buffer.from(rewritten, "utf8");
        for (const name of BODY_BOUND) delete this.headers[name];
      }
    } catch (error) {
      this.onResponseError(undefined, error as Error);
      return;
    }
    if (this.finished) return;
    this.headers["content-length"] = String(body.length);
    this.res.writeHead(this.status, this.headers);
    this.res.end(body);
    this.finish();
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
