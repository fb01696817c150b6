import { errorBodySchema } from "@tollgate/contracts";
import request from "supertest";
import { AppError, createHttpMetrics, currentRequestId, plainRoute } from "../src";
import { captureLogger } from "./support";

function buildRoute(handle: Parameters<typeof plainRoute>[1]) {
  const { logger, capture } = captureLogger();
  const metrics = createHttpMetrics();
  const listener = plainRoute({ logger, metrics, route: "/plain/*" }, handle);
  return { listener, metrics, capture };
}

describe("plain route (a hot path without express)", () => {
  it("when it answers, then the request id is in the header and the async context, and one access line is logged", async () => {
    const { listener, capture } = buildRoute(async (_req, res) => {
      res.end(currentRequestId());
    });
    const res = await request(listener).get("/plain/x?secret=1").set("X-Request-Id", "req-plain-000001");
    expect(res.headers["x-request-id"]).toBe("req-plain-000001");
    expect(res.text).toBe("req-plain-000001");
    const access = capture.lines.map((text) => JSON.parse(text) as Record<string, unknown>).filter((entry) => entry.component === "access");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ path: "/plain/x", status: 200, request_id: "req-plain-000001" });
    expect(JSON.stringify(access)).not.toContain("secret");
  });

  it("when the handler throws an AppError, then its status, headers and code in the standard body", async () => {
    const { listener } = buildRoute(async () => {
      throw new AppError(401, "TOKEN_MISSING", "send your token", { headers: { "WWW-Authenticate": "Token" } });
    });
    const res = await request(listener).get("/plain/x");
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe("Token");
    const body = errorBodySchema.parse(res.body);
    expect(body).toMatchObject({ error_code: "TOKEN_MISSING", status_code: 401, request_id: res.headers["x-request-id"] });
  });

  it("when the handler throws something unknown, then 500 without its message, logged in full", async () => {
    const { listener, capture } = buildRoute(async () => {
      throw new Error("the upstream password is hunter2");
    });
    const res = await request(listener).get("/plain/x");
    expect(res.status).toBe(500);
    expect(errorBodySchema.parse(res.body).error_code).toBe("INTERNAL_ERROR");
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
    expect(capture.lines.some((text) => text.includes("unhandled error") && text.includes("hunter2"))).toBe(true);
  });

  it("when requests were served, then the metrics count them under the route label", async () => {
    const { listener, metrics } = buildRoute(async (_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    await request(listener).get("/plain/a");
    await request(listener).get("/plain/b");
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/plain\/\*",status="204"\} 2/);
  });
});
