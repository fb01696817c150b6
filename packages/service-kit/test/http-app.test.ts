import { errorBodySchema } from "@tollgate/contracts";
import { Router } from "express";
import request from "supertest";
import { z } from "zod";
import { AppError, closeRedis, createDatabase, createHttpApp, createRedis, degradesOnly, parseOrThrow } from "../src";
import { captureLogger } from "./support";

const CANARY_PASSWORD = "canary-password-7f3a9c";
const CANARY_TOKEN = "canary-token-e41b02";

function buildApp(readyCheck: () => Promise<unknown> = async () => undefined) {
  const { logger, capture } = captureLogger();
  const app = createHttpApp({
    logger,
    jsonBodyLimit: "1kb",
    readiness: { dependency: readyCheck },
    openapi: { title: "Kit test", version: "1.0.0", apis: [__filename] },
    routes: (app) => {
      const router = Router();
      /**
       * @openapi
       * /echo:
       *   post:
       *     summary: Echoes a name
       *     responses:
       *       200: { description: the name }
       */
      router.post("/echo", (req, res) => {
        const body = parseOrThrow(z.strictObject({ name: z.string().min(1), password: z.string().optional() }), req.body);
        res.json({ name: body.name });
      });
      router.get("/boom", () => {
        throw new Error("database password is hunter2 and the stack must stay inside");
      });
      router.get("/database-down", async () => {
        // A real pool pointed at a port where nothing listens: the error a route sees when Postgres is away.
        const knex = createDatabase({ url: "postgres://postgres@127.0.0.1:1/nowhere", logger, connectTimeoutMs: 1_000 });
        try {
          await knex.raw("SELECT 1");
        } finally {
          await knex.destroy();
        }
      });
      router.get("/redis-down", async () => {
        const redis = createRedis({ url: "redis://127.0.0.1:1", profile: "cache", logger, name: "down" });
        try {
          await redis.get("anything");
        } finally {
          await closeRedis(redis);
        }
      });
      router.get("/conflict", () => {
        throw new AppError(409, "DUPLICATE_THING", "thing exists");
      });
      router.get("/page", (req, res) => {
        const query = parseOrThrow(z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().optional() }), req.query, "query");
        res.json(query);
      });
      router.get("/items/:id", (req, res) => {
        res.json({ id: req.params.id });
      });
      app.use(router);
    },
  });
  return { app, capture };
}

function expectStandardError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = errorBodySchema.parse(res.body);
  expect(body.error_code).toBe(code);
  expect(body.status_code).toBe(status);
  expect(body.request_id).toBe(res.headers["x-request-id"]);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  return body;
}

describe("createHttpApp", () => {
  it.each([
    ["given twice", "/page?limit=2&limit=3", ["limit"]],
    ["two parameters given twice", "/page?cursor=a&cursor=b&limit=1&limit=1", ["cursor", "limit"]],
  ])("when a query parameter is %s, then 422 naming it, not a number check's 'received NaN'", async (_case, url, names) => {
    const { app } = buildApp();
    const res = await request(app).get(url);
    const body = expectStandardError(res, 422, "VALIDATION_ERROR");
    expect(body.detail).toBe(`invalid query: ${names[0]}: must be given once, as a single value`);
    expect(res.body.errors).toEqual(names.map((path) => ({ path, message: "must be given once, as a single value" })));
  });

  it("when a query parameter comes with brackets (limit[]=2), then 422 names that unknown parameter as sent", async () => {
    const { app } = buildApp();
    const body = expectStandardError(await request(app).get("/page?limit[]=2"), 422, "VALIDATION_ERROR");
    expect(body.detail).toBe('invalid query: query: Unrecognized key: "limit[]"');
  });

  it("when each query parameter is given once, then the route gets their values", async () => {
    const { app } = buildApp();
    expect((await request(app).get("/page?limit=2&cursor=x")).body).toEqual({ limit: 2, cursor: "x" });
    expect((await request(app).get("/page")).body).toEqual({ limit: 20 });
  });

  it("when the body is malformed JSON, then 400 MALFORMED_JSON without echoing the body", async () => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", "application/json").send(`{"password": "${CANARY_PASSWORD}",`);
    const body = expectStandardError(res, 400, "MALFORMED_JSON");
    expect(body.detail).not.toContain(CANARY_PASSWORD);
  });

  it("when the body is over the limit, then 413", async () => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").send({ name: "x".repeat(5_000) });
    expectStandardError(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("when a body comes in an encoding the service does not accept, then 415", async () => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", "application/json").set("Content-Encoding", "x-gzip").send('{"name":"x"}');
    expectStandardError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it.each(["gzip", "deflate", "br"])("when a body does not decode as its Content-Encoding (%s) says, then 400, never 500", async (encoding) => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", "application/json").set("Content-Encoding", encoding).send('{"name":"x"}');
    expectStandardError(res, 400, "BAD_REQUEST");
  });

  it("when a body is not JSON, then 415", async () => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", "text/plain").send("name=x");
    expectStandardError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it.each(["latin1", "utf-16", "UTF-16LE", "iso-8859-1", "us-ascii", "utf8"])("when a JSON body declares charset=%s, then 415 naming the charset, before any parsing", async (charset) => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", `application/json; charset=${charset}`).send('{"name":"x"}');
    const body = expectStandardError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(body.detail).toBe(`request body must be UTF-8 JSON (charset=${charset.toLowerCase()} is not accepted)`);
  });

  it.each(["application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8", 'application/json; charset="utf-8"', "application/json;charset=utf-8"])(
    "when a JSON body comes as %s, then it is read",
    async (contentType) => {
      const { app } = buildApp();
      const res = await request(app).post("/echo").set("Content-Type", contentType).send('{"name":"x"}');
      expect(res.status).toBe(200);
    },
  );

  it("when the Content-Type of a body does not parse, then 415", async () => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", "application/json; charset").send('{"name":"x"}');
    expectStandardError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it.each(["null", "1", "true", '"x"', "[]"])("when the body is the valid JSON %s rather than an object, then 422 VALIDATION_ERROR, not MALFORMED_JSON", async (json) => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").set("Content-Type", "application/json").send(json);
    expectStandardError(res, 422, "VALIDATION_ERROR");
  });

  it("when the body has the wrong shape, then 422 naming the field", async () => {
    const { app } = buildApp();
    const res = await request(app).post("/echo").send({ name: 42 });
    const body = expectStandardError(res, 422, "VALIDATION_ERROR");
    expect(body.errors?.[0]?.path).toBe("name");
  });

  it("when a handler throws an unknown error, then 500 without its message or stack", async () => {
    const { app, capture } = buildApp();
    const res = await request(app).get("/boom");
    const body = expectStandardError(res, 500, "INTERNAL_ERROR");
    expect(body.detail).toBe("internal server error");
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
    expect(capture.text()).toContain("unhandled error");
  });

  it("when Postgres or Redis cannot be reached, then 503 SERVICE_UNAVAILABLE with Retry-After, not 500", async () => {
    const { app } = buildApp();
    for (const path of ["/database-down", "/redis-down"]) {
      const res = await request(app).get(path);
      const body = expectStandardError(res, 503, "SERVICE_UNAVAILABLE");
      expect(res.headers["retry-after"]).toBe("2");
      expect(body.detail).toMatch(/database|redis|dependency/);
    }
  });

  it("when a handler throws an AppError, then its status and code", async () => {
    const { app } = buildApp();
    expectStandardError(await request(app).get("/conflict"), 409, "DUPLICATE_THING");
  });

  it("when no route matches, then 404 in the standard body", async () => {
    const { app } = buildApp();
    expectStandardError(await request(app).get("/nowhere"), 404, "NOT_FOUND");
  });

  it("when the client sends a well-formed X-Request-Id, then it is echoed and used in the body", async () => {
    const { app } = buildApp();
    const id = "client-req-0123456789";
    const res = await request(app).get("/nowhere").set("X-Request-Id", id);
    expect(res.headers["x-request-id"]).toBe(id);
    expect(res.body.request_id).toBe(id);
  });

  it("when the client sends a malformed X-Request-Id, then a fresh one replaces it", async () => {
    const { app } = buildApp();
    const res = await request(app).get("/nowhere").set("X-Request-Id", "bad id <script>");
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.request_id).toBe(res.headers["x-request-id"]);
  });

  it("when every request is served, then one access-log line each carries its request id", async () => {
    const { app, capture } = buildApp();
    const res = await request(app).get("/items/42");
    const line = capture.lines.map((text) => JSON.parse(text)).find((entry) => entry.component === "access");
    expect(line).toMatchObject({ method: "GET", path: "/items/42", status: 200, request_id: res.headers["x-request-id"] });
  });

  it("when a readiness check fails, then /health/ready is 503 and /health/live stays 200", async () => {
    const { app } = buildApp(async () => {
      throw new Error("connection refused");
    });
    expect((await request(app).get("/health/live")).status).toBe(200);
    const ready = await request(app).get("/health/ready");
    expectStandardError(ready, 503, "NOT_READY");
    expect(ready.body.checks.dependency).toContain("connection refused");
  });

  it("when only a check the service keeps serving without fails, then /health/ready is 200 degraded and names it", async () => {
    const { logger } = captureLogger();
    const app = createHttpApp({
      logger,
      readiness: {
        database: async () => undefined,
        kafka_consumer: degradesOnly(async () => {
          throw new Error("no fetch from the brokers for 7 s");
        }),
      },
      routes: () => undefined,
    });
    const ready = await request(app).get("/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "degraded", checks: { database: "ok", kafka_consumer: "failed: no fetch from the brokers for 7 s" } });
  });

  it("when checks pass, then /health/ready is 200", async () => {
    const { app } = buildApp();
    const ready = await request(app).get("/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ready", checks: { dependency: "ok" } });
  });

  it("when requests were served, then /metrics counts them by route template and status", async () => {
    const { app } = buildApp();
    await request(app).get("/items/1");
    await request(app).get("/items/2");
    const metrics = await request(app).get("/metrics");
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/items\/:id",status="200"\} 2/);
  });

  it("when asked for the API description, then /openapi.json lists the documented routes and /docs serves the UI", async () => {
    const { app } = buildApp();
    const spec = await request(app).get("/openapi.json");
    expect(spec.body.paths["/echo"].post.summary).toBe("Echoes a name");
    const docs = await request(app).get("/docs/");
    expect(docs.status).toBe(200);
    expect(docs.text).toContain("swagger-ui");
  });

  it("when canary secrets travel in bodies and headers, then no log line contains them", async () => {
    const { app, capture } = buildApp();
    await request(app).post("/echo").set("Authorization", `Bearer ${CANARY_TOKEN}`).set("Cookie", `sid=${CANARY_TOKEN}`).send({ name: "n", password: CANARY_PASSWORD });
    await request(app).post("/echo").set("X-Access-Token", CANARY_TOKEN).set("Content-Type", "application/json").send(`{"password":"${CANARY_PASSWORD}"`);
    await request(app).get(`/items/1?access_token=${CANARY_TOKEN}`);
    await request(app).get("/boom").set("Authorization", `Bearer ${CANARY_TOKEN}`);
    expect(capture.lines.length).toBeGreaterThanOrEqual(4);
    expect(capture.text()).not.toContain(CANARY_PASSWORD);
    expect(capture.text()).not.toContain(CANARY_TOKEN);
  });
});
