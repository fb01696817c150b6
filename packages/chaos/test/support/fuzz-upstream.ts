import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/** Marks the application's own answers, which the proxy passes on unchanged: not ours to judge. */
export const UPSTREAM_MARKER = "x-fuzz-upstream";

export interface FuzzUpstream {
  url: string;
  close(): Promise<void>;
}

/**
 * The application behind the proxy, as plain as one can be: every request is read whole and
 * answered 200, every WebSocket upgrade accepted. Whatever else reaches the client is an answer of
 * the gateway or of a service.
 */
export async function startFuzzUpstream(): Promise<FuzzUpstream> {
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json", [UPSTREAM_MARKER]: "1" });
      res.end(JSON.stringify({ method: req.method, bytes }));
    });
    req.on("error", () => res.destroy());
  });
  // Upgraded sockets are no longer the server's: close() waited for each tunnel the proxy still
  // held open (one, seconds after its client had gone, hung the suite's afterAll), so they are
  // destroyed by hand.
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req, socket: Duplex) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    const key = String(req.headers["sec-websocket-key"] ?? "");
    const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.on("error", () => undefined);
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${UPSTREAM_MARKER}: 1\r\n\r\n`);
  });
  // What node's parser refuses is still the application's answer (node's own has no marker).
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n${UPSTREAM_MARKER}: 1\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
