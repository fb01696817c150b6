import net from "node:net";

/**
 * A request as bytes on the wire: written to a raw socket, so nothing is fixed up on the way (no
 * HTTP client sends %ff in a path, a bare LF, two Content-Lengths or a method named BREW).
 * Strings are latin1, one character a byte: `utf8Bytes` turns text into such a string.
 */
export interface WireRequest {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: Buffer;
  /** Between lines of the head; a few cases use a bare LF. */
  lineEnd: string;
  /** Close our side after writing: the body announced by Content-Length never comes. */
  halfClose: boolean;
}

export type WireAnswer =
  | { kind: "answer"; status: number; headers: [string, string][]; body: Buffer }
  /** An HTTP/0.9 answer: the body alone, no status line. */
  | { kind: "bare-body"; body: Buffer }
  | { kind: "no-answer"; reason: string };

export const utf8Bytes = (text: string): string => Buffer.from(text, "utf8").toString("latin1");

export function serialize(request: WireRequest): Buffer {
  const { lineEnd } = request;
  const requestLine = request.version === "" ? `${request.method} ${request.target}` : `${request.method} ${request.target} ${request.version}`;
  const head = [requestLine, ...request.headers.map(([name, value]) => `${name}: ${value}`)].join(lineEnd);
  return Buffer.concat([Buffer.from(`${head}${lineEnd}${lineEnd}`, "latin1"), request.body]);
}

export const headerOf = (headers: [string, string][], name: string): string | undefined => headers.find(([key]) => key === name)?.[1];

/** Where the first complete answer in `data` ends, or undefined when more is needed. */
function bodyEnd(data: Buffer, start: number, headers: [string, string][], status: number, head: boolean, closed: boolean): number | undefined {
  if (head || status === 101 || status === 204 || status === 304) return start;
  const length = headerOf(headers, "content-length");
  if (headerOf(headers, "transfer-encoding")?.toLowerCase() === "chunked") {
    for (let at = start; ; ) {
      const eol = data.indexOf("\r\n", at, "latin1");
      if (eol === -1) return closed ? data.length : undefined;
      const size = parseInt(data.toString("latin1", at, eol), 16);
      if (Number.isNaN(size)) return data.length;
      if (size === 0) {
        const trailerEnd = data.indexOf("\r\n\r\n", eol, "latin1");
        if (trailerEnd !== -1) return trailerEnd + 4;
        return closed ? data.length : undefined;
      }
      at = eol + 2 + size + 2;
      if (at > data.length) return closed ? data.length : undefined;
    }
  }
  if (length !== undefined && /^\d+$/.test(length)) return start + Number(length) <= data.length ? start + Number(length) : closed ? data.length : undefined;
  return closed ? data.length : undefined;
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < raw.length; ) {
    const eol = raw.indexOf("\r\n", at, "latin1");
    const size = eol === -1 ? NaN : parseInt(raw.toString("latin1", at, eol), 16);
    if (!size) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** The first final answer in `data` (interim 1xx skipped, 101 kept), or undefined when incomplete. */
export function parseAnswer(data: Buffer, head: boolean, closed: boolean): WireAnswer | undefined {
  let offset = 0;
  for (;;) {
    if (data.length - offset >= 5 && data.toString("latin1", offset, offset + 5) !== "HTTP/") return closed ? { kind: "bare-body", body: data.subarray(offset) } : undefined;
    const split = data.indexOf("\r\n\r\n", offset, "latin1");
    if (split === -1) return closed ? (data.length === offset ? { kind: "no-answer", reason: "closed without an answer" } : { kind: "no-answer", reason: `closed mid-head: ${JSON.stringify(data.toString("latin1", offset, offset + 200))}` }) : undefined;
    const [statusLine = "", ...lines] = data.toString("latin1", offset, split).split("\r\n");
    const status = Number(statusLine.split(" ")[1]);
    const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]);
    const start = split + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      offset = start;
      continue;
    }
    const end = bodyEnd(data, start, headers, status, head, closed);
    if (end === undefined) return undefined;
    const raw = data.subarray(start, end);
    const chunked = headerOf(headers, "transfer-encoding")?.toLowerCase() === "chunked";
    return { kind: "answer", status, headers, body: chunked ? dechunk(raw) : raw };
  }
}

/**
 * Writes the request to 127.0.0.1:port and resolves with the first final answer; the socket is
 * then closed, as a client does (waiting for nginx to close would wait out its lingering close).
 */
export function exchange(port: number, request: WireRequest, timeoutMs: number): Promise<WireAnswer> {
  const head = request.method === "HEAD";
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (answer: WireAnswer) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(answer);
    };
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(serialize(request));
      if (request.halfClose) socket.end();
    });
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parseAnswer(data, head, false);
      if (answer) finish(answer);
    });
    // A reset after a complete answer was already handled; one before it is "no answer".
    socket.on("error", (error) => finish(parseAnswer(data, head, true) ?? { kind: "no-answer", reason: error.message }));
    socket.on("close", () => finish(parseAnswer(data, head, true) ?? { kind: "no-answer", reason: "closed" }));
    socket.setTimeout(timeoutMs, () => finish({ kind: "no-answer", reason: `no answer within ${timeoutMs} ms` }));
  });
}
