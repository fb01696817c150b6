// GET /health for the gateway: asks every service's /health/ready (in parallel, 2 s each) and
// answers 200 when all are ready, else 503 in the standard error body with each service's state.
//   GATEWAY_HEALTH_PORT=8081 GATEWAY_HEALTH_TARGETS=auth=http://127.0.0.1:3001,token=http://127.0.0.1:3002 node health-aggregator.mjs
import { randomUUID } from "node:crypto";
import http from "node:http";

const port = Number(process.env.GATEWAY_HEALTH_PORT);
const targets = (process.env.GATEWAY_HEALTH_TARGETS ?? "")
  .split(",")
  .filter(Boolean)
  .map((entry) => {
    const [name, url] = entry.split("=");
    return { name, url: new URL("/health/ready", url).toString() };
  });
if (!Number.isInteger(port) || port <= 0 || targets.length === 0 || targets.some((t) => !t.name)) {
  console.error("health-aggregator: set GATEWAY_HEALTH_PORT and GATEWAY_HEALTH_TARGETS=name=url,…");
  process.exit(78);
}

async function check({ name, url }) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return [name, res.ok ? "ready" : `not ready (${res.status})`];
  } catch (error) {
    return [name, `down (${error.cause?.code ?? error.name})`];
  }
}

http
  .createServer(async (req, res) => {
    const requestId = String(req.headers["x-request-id"] ?? randomUUID());
    const services = Object.fromEntries(await Promise.all(targets.map(check)));
    const ready = Object.values(services).every((state) => state === "ready");
    const body = ready
      ? { status: "ready", services }
      : { detail: "not every service is ready", error_code: "NOT_READY", status_code: 503, timestamp: new Date().toISOString(), request_id: requestId, services };
    res.writeHead(ready ? 200 : 503, { "Content-Type": "application/json", "Cache-Control": "no-store", ...(ready ? {} : { "Retry-After": "5" }) });
    res.end(JSON.stringify(body));
  })
  .listen(port, process.env.GATEWAY_HEALTH_HOST ?? "127.0.0.1");
