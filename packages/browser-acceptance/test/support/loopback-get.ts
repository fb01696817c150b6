import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * GET `url` with its body as raw bytes. The connection goes to 127.0.0.1 on the URL's port and
 * Host names the URL's host: `app.localhost` resolves to loopback in browsers, not in every
 * resolver a test machine has.
 */
export function loopbackGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: Number(target.port), path: `${target.pathname}${target.search}`, headers: { ...headers, host: target.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}
