import http from "node:http";
import https from "node:https";
import net from "node:net";

/** An answer with its headers as sent, repeats included (fetch would join them into one). */
export interface WireResponse {
  status: number;
  /** [lower-case name, value] in the order received. */
  headers: [string, string][];
  body: string;
}

export const headerValues = (res: WireResponse, name: string): string[] => res.headers.filter(([key]) => key === name).map(([, value]) => value);
export const headerValue = (res: WireResponse, name: string): string | undefined => headerValues(res, name)[0];

/**
 * Writes `request` as is to host:port and reads until the gateway closes (send `Connection: close`):
 * the only way to send what no HTTP client will (a %00 in the path, TRACE, a bad Content-Length).
 * `bodyNeverFollows`: the request announces a body it does not send (a 413 by Content-Length), so
 * the socket's sending side is closed at once; else nginx's lingering close waits 5 s for the body
 * (nginx documentation, lingering_timeout). Not for proxied requests: nginx takes the half-close
 * for a client gone away (499).
 */
export function rawRequest(port: number, request: string, options: { bodyNeverFollows?: boolean } = {}): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => (options.bodyNeverFollows ? socket.end(request) : socket.write(request)));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer within 10 s")));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]);
      let body = text.slice(split + 4);
      if (headerValue({ status: 0, headers, body }, "transfer-encoding") === "chunked") body = unchunk(body);
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
  });
}

function unchunk(body: string): string {
  let out = "";
  for (let rest = body; ; ) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For https: the CA to trust (the local stack's .tollgate/tls/ca.crt). */
  ca?: Buffer;
  servername?: string;
}

/** One request with node's http(s) client, answering with the headers as sent. */
export function send(url: string, options: SendOptions = {}): Promise<WireResponse> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      { method: options.method ?? "GET", headers: options.headers, agent: false, ca: options.ca, servername: options.servername },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url} within 30 s`)));
    req.end(options.body);
  });
}

/** The standard error body's fields, exactly (README, "HTTP conventions"). */
export const STANDARD_ERROR_FIELDS = ["detail", "error_code", "request_id", "status_code", "timestamp"];

/**
 * The gateway's own error answer: `status` in the standard JSON body, `error_code`, exactly one
 * X-Request-Id, and the body's request_id equal to it. Returns the body.
 */
export function expectGatewayError(res: WireResponse, status: number, errorCode: string): Record<string, unknown> {
  expect({ status: res.status, contentType: headerValues(res, "content-type") }).toEqual({ status, contentType: ["application/json"] });
  const ids = headerValues(res, "x-request-id");
  expect(ids).toHaveLength(1);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(STANDARD_ERROR_FIELDS);
  expect(body).toMatchObject({ error_code: errorCode, status_code: status, request_id: ids[0] });
  expect(typeof body.detail).toBe("string");
  expect(Number.isNaN(Date.parse(String(body.timestamp)))).toBe(false);
  return body;
}
