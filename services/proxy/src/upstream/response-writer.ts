import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import { promisify } from "node:util";
import { rewritableKind, rewriteBody, rewriteRefresh, rewriteSetCookie, rewriteUrl, type RewriteContext } from "./rewriter";

const decoders: Record<string, (buffer: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  "x-gzip": promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

function responseHeaders(upstream: IncomingMessage, ctx: RewriteContext): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name === "location" || name === "content-location") headers[name] = rewriteUrl(String(value), ctx);
    else if (name === "refresh") headers[name] = rewriteRefresh(String(value), ctx);
    else if (name === "set-cookie") headers[name] = (value as string[]).map((cookie) => rewriteSetCookie(cookie, ctx));
    else headers[name] = value;
  }
  return headers;
}

/**
 * Writes the upstream's response to the client: text bodies up to `maxBytes` are decompressed,
 * rewritten and sent uncompressed with a correct Content-Length; everything else streams as is.
 */
export async function writeUpstreamResponse(upstream: IncomingMessage, res: ServerResponse, ctx: RewriteContext, maxBytes: number): Promise<void> {
  const headers = responseHeaders(upstream, ctx);
  const kind = rewritableKind(upstream.headers["content-type"]);
  const encoding = String(upstream.headers["content-encoding"] ?? "identity").toLowerCase();
  const declared = Number(upstream.headers["content-length"] ?? NaN);
  const decodable = encoding === "identity" || encoding in decoders;
  if (!kind || !decodable || (Number.isFinite(declared) && declared > maxBytes)) {
    res.writeHead(upstream.statusCode ?? 502, headers);
    upstream.pipe(res);
    return;
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      // Too big to rewrite after all: send what we have and stream the rest untouched.
      res.writeHead(upstream.statusCode ?? 502, headers);
      for (const buffered of chunks) res.write(buffered);
      upstream.pipe(res);
      return;
    }
  }
  const raw = Buffer.concat(chunks);
  const decoded = encoding === "identity" ? raw : await (decoders[encoding] as (b: Buffer) => Promise<Buffer>)(raw);
  const body = Buffer.from(rewriteBody(kind, decoded.toString("utf8"), ctx), "utf8");
  delete headers["content-encoding"];
  delete headers["etag"];
  headers["content-length"] = String(body.length);
  res.writeHead(upstream.statusCode ?? 502, headers);
  res.end(body);
}
