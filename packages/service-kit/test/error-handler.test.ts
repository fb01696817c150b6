import { errorBodySchema } from "@tollgate/contracts";
import { Router } from "express";
import request from "supertest";
import { createHttpApp, toAppError } from "../src";
import { captureLogger } from "./support";

const PERCENT_DETAIL = "the path is not valid percent-encoding: each % takes two hex digits, and the bytes must be UTF-8";

function buildApp() {
  const { logger, capture } = captureLogger();
  const app = createHttpApp({
    logger,
    routes: (app) => {
      const router = Router();
      router.post("/api/v1/tokens/:id/revoke", (req, res) => res.json({ id: req.params.id }));
      router.post("/api/v1/games/:id/join", (req, res) => res.json({ id: req.params.id }));
      router.get("/file", (_req, res) => {
        // As a static file's server does before finding the range unsatisfiable.
        res.setHeader("Content-Type", "text/css; charset=utf-8");
        res.setHeader("Content-Range", "bytes */4108");
        res.setHeader("ETag", '"abc"');
        throw Object.assign(new Error("Range Not Satisfiable"), { status: 416, expose: true });
      });
      router.get("/teapot", () => {
        // As http-errors makes them: a status on an Error.
        throw Object.assign(new Error("I'm a teapot"), { status: 418, expose: true });
      });
      app.use(router);
    },
  });
  return { app, capture };
}

describe("the error handler, given what a client sent", () => {
  it.each([
    ["/api/v1/tokens/%ff/revoke"],
    ["/api/v1/games/%ff/join"],
    ["/api/v1/tokens/%/revoke"],
    ["/api/v1/tokens/%e2%82/revoke"],
    ["/api/v1/games/%ed%a0%80/join"],
  ])("when a path parameter is malformed percent-encoding (%s), then 400 BAD_REQUEST saying the path is not valid percent-encoding, nothing logged as an error", async (path) => {
    const { app, capture } = buildApp();
    const res = await request(app).post(path).set("X-Request-Id", "bad-escape-0001");
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(res.body)).toEqual({ detail: PERCENT_DETAIL, error_code: "BAD_REQUEST", status_code: 400, timestamp: expect.any(String), request_id: "bad-escape-0001" });
    expect(capture.text()).not.toContain("unhandled error");
  });

  it("when the same route gets a well-formed escape, then the handler sees it decoded", async () => {
    const res = await request(buildApp().app).post("/api/v1/games/%C3%A9/join");
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { id: "é" } });
  });

  it("when a handler had set the headers of the body it meant to send, then the error answer carries its own (JSON, no Content-Range, not the file's ETag)", async () => {
    const res = await request(buildApp().app).get("/file");
    expect({ status: res.status, type: res.headers["content-type"], range: res.headers["content-range"], fileEtag: res.headers.etag === '"abc"' }).toEqual({ status: 416, type: "application/json; charset=utf-8", range: undefined, fileEtag: false });
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "RANGE_NOT_SATISFIABLE", status_code: 416 });
  });

  it("when a library raises another 4xx (as http-errors does), then that status with the reason phrase as its code, not 500", async () => {
    const res = await request(buildApp().app).get("/teapot");
    expect(res.status).toBe(418);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ detail: "i'm a teapot", error_code: "I_M_A_TEAPOT", status_code: 418 });
  });
});

describe("toAppError", () => {
  const mapped = (error: unknown) => {
    const { logger, capture } = captureLogger();
    const app = toAppError(error, logger, { method: "GET", path: "/x" });
    return { status: app.statusCode, code: app.errorCode, detail: app.detail, logged: capture.text().includes("unhandled error") };
  };

  it("when express's URIError carries status 400, then 400 BAD_REQUEST with our detail, never its message (it quotes the path)", () => {
    const error = Object.assign(new URIError("Failed to decode param '%ff'"), { status: 400, statusCode: 400 });
    expect(mapped(error)).toEqual({ status: 400, code: "BAD_REQUEST", detail: PERCENT_DETAIL, logged: false });
  });

  it("when node reports a request body the client stopped sending (aborted, ECONNRESET), then 400, not a 503 dependency failure", () => {
    const error = Object.assign(new Error("aborted"), { code: "ECONNRESET" });
    expect(mapped(error)).toEqual({ status: 400, code: "BAD_REQUEST", detail: "request aborted", logged: false });
  });

  it("when a dependency's connection is reset (read ECONNRESET), then it is still 503", () => {
    const error = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(mapped(error)).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
  });

  it.each([
    [{ status: 404 }, { status: 404, code: "NOT_FOUND", detail: "not found" }],
    [{ statusCode: 405 }, { status: 405, code: "METHOD_NOT_ALLOWED", detail: "method not allowed" }],
    [{ status: 413, message: "request entity too large: secret-body" }, { status: 413, code: "PAYLOAD_TOO_LARGE", detail: "payload too large" }],
    [{ status: 415 }, { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", detail: "unsupported media type" }],
    [{ status: 416 }, { status: 416, code: "RANGE_NOT_SATISFIABLE", detail: "range not satisfiable" }],
    [{ status: 429 }, { status: 429, code: "RATE_LIMITED", detail: "too many requests" }],
  ])("when an error carries a 4xx status %j, then %j", (fields, expected) => {
    expect(mapped(Object.assign(new Error("library message"), fields))).toEqual({ ...expected, logged: false });
  });

  it.each([[{ status: 500 }], [{ status: 503 }], [{ status: "400" }], [{ status: 399 }], [{ statusCode: 400.5 }]])("when the status is not a 4xx number (%j), then it is not trusted: 500 INTERNAL_ERROR, logged", (fields) => {
    expect(mapped(Object.assign(new Error("boom"), fields))).toEqual({ status: 500, code: "INTERNAL_ERROR", detail: "internal server error", logged: true });
  });
});
