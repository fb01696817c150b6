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
 * Writes `request` as is to port 127.0.0.1:port and resolves once the answer is complete (by its
 * Content-Length or last chunk, else when the gateway closes): the only way to send what no HTTP
 * client will (a %00 in the path, TRACE, a bad Content-Length). The socket is then closed, as a
 * client does; waiting for nginx to close would wait out its lingering close (lingering_timeout,
 * 5 s) after a 413 whose announced body never comes.
 */
export function rawRequest(port: number, request: string): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let received = Buffer.alloc(0);
    let done = false;
    const parse = (closed: boolean) => {
      const text = received.toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      if (split === -1) return closed ? finish(undefined) : undefined;
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]);
      const status = Number(statusLine.split(" ")[1]);
      const raw = received.subarray(Buffer.byteLength(text.slice(0, split + 4), "latin1"));
      const length = headerValue({ status, headers, body: "" }, "content-length");
      const chunked = headerValue({ status, headers, body: "" }, "transfer-encoding") === "chunked";
      const complete = closed || status === 204 || status === 304 || (length !== undefined && raw.length >= Number(length)) || (chunked && raw.toString("latin1").endsWith("0\r\n\r\n"));
      if (!complete) return undefined;
      const body = raw.toString("utf8");
      return finish({ status, headers, body: chunked ? unchunk(body) : body });
    };
    const finish = (res: WireResponse | undefined) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (res) resolve(res);
      else reject(new Error("the connection closed before a whole answer arrived"));
    };
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      parse(false);
    });
    socket.on("error", (error) => (done ? undefined : ((done = true), reject(error))));
    socket.setTimeout(10_000, () => finish(undefined));
    socket.on("close", () => parse(true));
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
  // The services' format exactly (RFC 3339, UTC, milliseconds), and the time of the answer.
  expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(Math.abs(Date.parse(String(body.timestamp)) - Date.now())).toBeLessThan(60_000);
  return body;
}
