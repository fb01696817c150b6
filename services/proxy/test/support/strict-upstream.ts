import type { IncomingMessage, Server } from "node:http";
import { WebSocketServer } from "ws";

/** What the strict upstream saw, request by request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

/**
 * An upstream as strict as real web applications are (notebook servers, flow editors): it refuses
 * a state-changing request or a WebSocket whose Origin is not its own Host, and its page builds
 * URLs from `location` in script. Everything it saw is recorded.
 */
export function mountStrictUpstream(server: Server, seen: SeenRequest[]): void {
  const sameOrigin = (req: IncomingMessage) => req.headers.origin === `http://${req.headers.host}`;
  server.on("request", (req, res) => {
    seen.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers });
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/" || path === "/sub/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><script>window.BASE = '/static/'</script></head><body><script>var ws = new WebSocket("ws://" + location.host + "/ws");</script></body></html>`);
      return;
    }
    if (path === "/static/app.js") {
      res.writeHead(200, { "Content-Type": "application/javascript" });
      res.end(`var joined = ["a","b"].join("/");\nvar s = 'say "hi"'.replace(/"/g, "'");\n`);
      return;
    }
    if (path === "/api/contents" && req.method === "POST") {
      const ok = sameOrigin(req);
      res.writeHead(ok ? 201 : 403, { "Content-Type": "application/json" });
      res.end(JSON.stringify(ok ? { created: true } : { message: "Blocking Cross Origin API request" }));
      return;
    }
    if (path === "/data.json") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"file":"/var/data/report.csv","note":"/etc/hosts","re":"/Date(1)/"}');
      return;
    }
    if (path === "/go") {
      res.writeHead(302, { Location: `http://${req.headers.host}/landed` });
      res.end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    seen.push({ method: "UPGRADE", url: req.url ?? "/", headers: req.headers });
    if (!sameOrigin(req)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ type: "hello", user_id: req.headers["x-user-id"] ?? null }));
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
}
