// Issue #16, item 4: one X-Request-Id per answer, durations in milliseconds in the access log,
// and the error log as JSON lines (nginx → syslog → the aggregator → .tollgate/logs/gateway-error.log).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { headerValues, rawRequest, send } from "./support/gateway-http";
import { HTTP_PORT, LOG_DIR } from "./support/gateway-settings";
import { buyToken, newUser } from "./support/gateway-user";
import { GATEWAY } from "./support/stack";

const requestId = () => `gw-logs-${randomBytes(6).toString("hex")}`;

const logFile = (file: string) => path.join(LOG_DIR, file);
/** Where a log file ends now: lines written after this are the test's (and any concurrent caller's). */
const endOf = (file: string) => (existsSync(logFile(file)) ? statSync(logFile(file)).size : 0);

/** The lines written to a log file since `from` (every one must be a JSON object) that match, waiting up to 5 s (they arrive over UDP). */
async function logLines(file: string, from: number, match: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>[]> {
  for (let i = 0; ; i++) {
    const text = existsSync(logFile(file)) ? readFileSync(logFile(file)).subarray(from).toString("utf8") : "";
    const found = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter(match);
    if (found.length > 0 || i === 50) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("gateway: request ids and logs", () => {
  it.each([
    ["auth", "/api/v1/users/me"],
    ["token", "/api/v1/tokens/my-tokens"],
    ["proxy", "/api/v1/proxy/headers"],
    ["game-realtime", "/api/v1/games"],
    ["auth (JWKS)", "/.well-known/jwks.json"],
    ["the aggregator", "/health"],
    ["nginx itself", "/no/such/route"],
  ])("when %s answers through the API site, then the answer has exactly one X-Request-Id, the client's", async (_who, route) => {
    const id = requestId();
    const res = await send(`${GATEWAY}${route}`, { headers: { "x-request-id": id } });
    expect(headerValues(res, "x-request-id")).toEqual([id]);
  });

  it("when a client sends a malformed X-Request-Id, then the gateway's own id replaces it, once, and the service uses that one", async () => {
    const res = await send(`${GATEWAY}/api/v1/tokens/my-tokens`, { headers: { "x-request-id": "bad id <script>" } });
    const ids = headerValues(res, "x-request-id");
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(res.body).request_id).toBe(ids[0]);
  });

  it("when a proxied request takes 300 ms, then its access-log line says duration_ms as whole milliseconds (≥ 300, ≤ what the client waited), upstream_ms too", async () => {
    const token = await buyToken(await newUser());
    const id = requestId();
    const from = endOf("gateway-access.log");
    const started = performance.now();
    const res = await send(`${GATEWAY}/api/v1/proxy/slow?ms=300`, { headers: { "x-access-token": token, "x-request-id": id } });
    const waited = performance.now() - started;
    expect(res.status).toBe(200);
    const [line] = await logLines("gateway-access.log", from, (entry) => entry.request_id === id);
    expect(line).toMatchObject({ service: "gateway", site: "api", route: "/api/v1/proxy", method: "GET", path: "/api/v1/proxy/slow", status: 200, scheme: "http" });
    const { duration_ms: duration, upstream_ms: upstream } = line as { duration_ms: number; upstream_ms: number };
    expect(Number.isInteger(duration) && Number.isInteger(upstream)).toBe(true);
    expect(duration).toBeGreaterThanOrEqual(300);
    // nginx reads its clock once per event-loop turn, and times the request and the upstream
    // from different turns: each may be 1 ms off the other, or off the client's reading.
    expect(duration).toBeLessThanOrEqual(Math.ceil(waited) + 1);
    expect(upstream).toBeGreaterThanOrEqual(300);
    expect(upstream).toBeLessThanOrEqual(duration + 1);
  });

  it("when nginx logs an error (a body over the limit), then the error log has it as one JSON line, joined to the access log by the connection number", async () => {
    const id = requestId();
    const from = { access: endOf("gateway-access.log"), error: endOf("gateway-error.log") };
    const res = await rawRequest(HTTP_PORT, `POST /api/v1/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ${id}\r\nContent-Length: 3000000\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(413);
    const [access] = await logLines("gateway-access.log", from.access, (entry) => entry.request_id === id);
    expect(access).toMatchObject({ status: 413, path: "/api/v1/auth/register", route: "/api/v1/auth" });
    const [error] = await logLines("gateway-error.log", from.error, (entry) => entry.connection === access?.connection && entry.message === "client intended to send too large body: 3000000 bytes");
    expect(error).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      service: "gateway",
      level: "error",
      message: "client intended to send too large body: 3000000 bytes",
      pid: expect.any(Number),
      connection: access?.connection,
      client: "127.0.0.1",
      server: "",
      request: "POST /api/v1/auth/register HTTP/1.1",
      host: "127.0.0.1",
    });
  });

  it("when a request nginx logs an error for carries credentials in its query (an access token, a launch ticket), then the error log has neither", async () => {
    const from = endOf("gateway-error.log");
    const secret = `SECRETPROBE${Date.now()}`;
    const res = await rawRequest(HTTP_PORT, `POST /api/v1/proxy/x?access_token=${secret}&ticket=${secret}T HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3000000\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(413);
    const [error] = await logLines("gateway-error.log", from, (entry) => entry.request === "POST /api/v1/proxy/x HTTP/1.1");
    expect(error?.message).toBe("client intended to send too large body: 3000000 bytes");
    expect(readFileSync(logFile("gateway-error.log"), "utf8").slice(from)).not.toContain(secret);
  });
});
