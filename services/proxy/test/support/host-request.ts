import http from "node:http";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A request with a Host of our choosing (fetch always sends the URL's own), as a browser on the
 * app origin sends it through the gateway.
 */
export function requestWithHost(baseUrl: string, host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const base = new URL(baseUrl);
    // The path goes out as written (a URL object would resolve its dot segments first).
    const req = http.request({ hostname: base.hostname, port: base.port, path, method: options.method ?? "GET", headers: { ...options.headers, host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
