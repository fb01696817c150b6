// The gateway's companion process, on an internal address only:
//   GET /health   every service's readiness (infra/gateway/readiness.mjs); nginx serves it at /health
//   GET /metrics  the gateway's Prometheus metrics (gateway-metrics.mjs); nginx does not expose it
//   UDP syslog    nginx's access log (counted for /metrics) and error log (written as JSON lines to
//                 GATEWAY_ERROR_LOG), on the same port number as HTTP
//   GATEWAY_HEALTH_PORT=8089 GATEWAY_HEALTH_TARGETS=auth=http://127.0.0.1:3001,… GATEWAY_STATUS_URL=http://127.0.0.1:8088/stub_status GATEWAY_ERROR_LOG=/path/gateway-error.log node health-aggregator.mjs
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import http from "node:http";
import { createGatewayMetrics } from "./gateway-metrics.mjs";
import { parseNginxErrorLine } from "./nginx-error-line.mjs";
import { parseTargets, readiness } from "./readiness.mjs";
import { startSyslogReceiver } from "./syslog-receiver.mjs";

const host = process.env.GATEWAY_HEALTH_HOST ?? "127.0.0.1";
const port = Number(process.env.GATEWAY_HEALTH_PORT);
const targets = parseTargets(process.env.GATEWAY_HEALTH_TARGETS ?? "");
const statusUrl = process.env.GATEWAY_STATUS_URL ?? "";
const errorLogPath = process.env.GATEWAY_ERROR_LOG ?? "";
const problems = [
  !Number.isInteger(port) || port <= 0 ? "GATEWAY_HEALTH_PORT (a port number)" : "",
  targets.length === 0 || targets.some((t) => !t.name) ? "GATEWAY_HEALTH_TARGETS (name=url,…)" : "",
  !/^https?:\/\//.test(statusUrl) ? "GATEWAY_STATUS_URL (nginx's stub_status, http://…/stub_status)" : "",
  errorLogPath === "" ? "GATEWAY_ERROR_LOG (a file for the gateway's error log; /dev/stdout in a container)" : "",
].filter(Boolean);
if (problems.length > 0) {
  console.error(`health-aggregator: set ${problems.join(", ")}`);
  process.exit(78);
}

const metrics = createGatewayMetrics({ statusUrl });
const errorLog = createWriteStream(errorLogPath, { flags: "a" });
await startSyslogReceiver({
  host,
  port,
  handlers: {
    tollgate_access: (line) => metrics.observeAccessLine(line),
    tollgate_gateway: (line) => {
      metrics.countLine("error");
      errorLog.write(`${JSON.stringify(parseNginxErrorLine(line))}\n`);
    },
  },
  onUnknown: () => metrics.countLine("unreadable"),
});

http
  .createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      const text = await metrics.render();
      res.writeHead(200, { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" });
      res.end(text);
      return;
    }
    const requestId = String(req.headers["x-request-id"] ?? randomUUID());
    if (path !== "/health") {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ detail: "no such route", error_code: "NOT_FOUND", status_code: 404, timestamp: new Date().toISOString(), request_id: requestId }));
      return;
    }
    const { status, headers, body } = await readiness(targets, requestId);
    res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
    res.end(JSON.stringify(body));
  })
  // A request node's parser refuses (a method such as BREW, which nginx passes on) got node's bare
  // 400 with no body: it gets the standard one, with the id nginx sent.
  .on("clientError", (error, socket) => {
    if (!socket.writable) return socket.destroy();
    const sent = /\r\nx-request-id:[ \t]*([A-Za-z0-9._:-]{8,128})\r\n/i.exec(error.rawPacket?.toString("latin1") ?? "")?.[1];
    const requestId = sent ?? randomUUID();
    const body = JSON.stringify({ detail: "the request could not be parsed as HTTP/1.1", error_code: "BAD_REQUEST", status_code: 400, timestamp: new Date().toISOString(), request_id: requestId });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nX-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  })
  .listen(port, host);
