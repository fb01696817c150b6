// Issue #16, item 3: every answer nginx makes itself is the standard JSON error body with the
// request id, on both sites; on the app origin the proxy's own answers pass through unchanged.
// 401 has no nginx-made cause (the gateway authenticates nothing: services answer their own 401s);
// nginx writes nothing on 408 (client_header_timeout, client_body_timeout) and 499 (the client
// went away), it only logs them; 500 and 503 are provoked on a gateway of the test's own
// (gateway-failures.test.ts); 504 needs an upstream silent for proxy_read_timeout (60 s).
import { expectGatewayError, headerValue, headerValues, rawRequest, send } from "./support/gateway-http";
import { APP_HOST_HEADER, HTTP_PORT } from "./support/gateway-settings";
import { GATEWAY } from "./support/stack";

const request = (lines: string[]) => rawRequest(HTTP_PORT, `${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`);
const sites = [
  ["API", "127.0.0.1"],
  ["app origin", APP_HOST_HEADER],
] as const;

describe("gateway: the answers nginx makes itself", () => {
  it("when the path holds %00 (a bad request line), then 400 BAD_REQUEST in the standard body, with the gateway's own request id", async () => {
    const res = await request(["GET /api/v1/tokens/%00 HTTP/1.1", "Host: 127.0.0.1", "X-Request-Id: not-yet-read-0001"]);
    // The request line fails before any header is read, so the client's id is not known yet.
    expect(expectGatewayError(res, 400, "BAD_REQUEST").request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(sites)("when a header is malformed (Content-Length: abc) on the %s, then 400 BAD_REQUEST in the standard body with the client's request id", async (_site, host) => {
    const res = await request(["POST /api/v1/auth/login HTTP/1.1", `Host: ${host}`, "X-Request-Id: bad-length-0001", "Content-Length: abc"]);
    expect(expectGatewayError(res, 400, "BAD_REQUEST").request_id).toBe("bad-length-0001");
  });

  it("when a route does not exist, then 404 NOT_FOUND; /internal/ and service-token issuance are never reachable from outside", async () => {
    expectGatewayError(await send(`${GATEWAY}/no/such/route`), 404, "NOT_FOUND");
    expectGatewayError(await send(`${GATEWAY}/internal/v1/tokens/validate`, { method: "POST" }), 404, "NOT_FOUND");
    // Service credentials are exchanged on the internal network only.
    expectGatewayError(await send(`${GATEWAY}/api/v1/auth/service-token`, { method: "POST" }), 404, "NOT_FOUND");
    // The error pages themselves are internal.
    expectGatewayError(await send(`${GATEWAY}/_tollgate/error/500`), 404, "NOT_FOUND");
  });

  it.each(sites)("when the method is TRACE on the %s, then 405 METHOD_NOT_ALLOWED in the standard body", async (_site, host) => {
    const res = await request(["TRACE /api/v1/tokens HTTP/1.1", `Host: ${host}`, "X-Request-Id: trace-it-0001"]);
    expect(expectGatewayError(res, 405, "METHOD_NOT_ALLOWED").request_id).toBe("trace-it-0001");
  });

  it("when the URI is longer than nginx's header buffers (8 KB), then 414 URI_TOO_LONG in the standard body", async () => {
    const res = await request([`GET /api/v1/tokens/${"a".repeat(10_000)} HTTP/1.1`, "Host: 127.0.0.1"]);
    expectGatewayError(res, 414, "URI_TOO_LONG");
  });

  it.each(sites)("when a header is larger than nginx's header buffers on the %s, then 431 HEADERS_TOO_LARGE (RFC 6585), not nginx's HTML 400", async (_site, host) => {
    const res = await request(["GET /api/v1/tokens HTTP/1.1", `Host: ${host}`, "X-Request-Id: big-header-0001", `Cookie: c=${"a".repeat(10_000)}`]);
    expect(expectGatewayError(res, 431, "HEADERS_TOO_LARGE").request_id).toBe("big-header-0001");
  });

  // The client's mistake: 400, not nginx's 501 (no hostile input is answered 5xx, issue #17).
  it.each(sites)("when the body has an unknown Transfer-Encoding on the %s, then 400 TRANSFER_ENCODING_NOT_SUPPORTED in the standard body", async (_site, host) => {
    const res = await request(["POST /api/v1/auth/login HTTP/1.1", `Host: ${host}`, "X-Request-Id: gzip-body-0001", "Transfer-Encoding: gzip"]);
    expect(expectGatewayError(res, 400, "TRANSFER_ENCODING_NOT_SUPPORTED").request_id).toBe("gzip-body-0001");
  });

  it.each(sites)("when the request line names an HTTP version nginx does not speak on the %s, then 400 HTTP_VERSION_NOT_SUPPORTED in the standard body, not 505", async (_site, host) => {
    const res = await request(["GET /health HTTP/2.0", `Host: ${host}`]);
    expectGatewayError(res, 400, "HTTP_VERSION_NOT_SUPPORTED");
  });

  it("when a service's own HTTP parser refuses a method nginx passes on, then the answer is still the standard body", async () => {
    const res = await request(["BREW /api/v1/users/me HTTP/1.1", "Host: 127.0.0.1", "X-Request-Id: brew-method-0001"]);
    expect(res.status).toBe(400);
    expect(headerValues(res, "x-request-id")).toEqual(["brew-method-0001"]);
    expect(JSON.parse(res.body)).toMatchObject({ error_code: "BAD_REQUEST", status_code: 400, request_id: "brew-method-0001" });
  });

  it("when a browser without an app session asks the app origin for a page, then the proxy's own HTML refusal page arrives unchanged, with one X-Request-Id", async () => {
    const res = await send(`${GATEWAY}/some/page`, { headers: { host: APP_HOST_HEADER, accept: "text/html", "x-request-id": "app-refusal-0001" } });
    expect(res.status).toBe(401);
    expect(headerValue(res, "content-type")).toMatch(/^text\/html/);
    expect(headerValues(res, "x-request-id")).toEqual(["app-refusal-0001"]);
    expect(res.body).toMatch(/^<!doctype html>/i);
    expect(res.body).toContain("<code>APP_SESSION_INVALID</code> · request id <code>app-refusal-0001</code>");
  });

  it("when the proxy answers JSON on the app origin (no session, no HTML wanted), then its body passes unchanged: its own error code, not the gateway's", async () => {
    const res = await send(`${GATEWAY}/api/data`, { headers: { host: APP_HOST_HEADER, accept: "application/json" } });
    expect(res.status).toBe(401);
    expect(headerValue(res, "content-type")).toBe("application/json; charset=utf-8");
    const ids = headerValues(res, "x-request-id");
    expect(ids).toHaveLength(1);
    expect(JSON.parse(res.body)).toMatchObject({ error_code: "APP_SESSION_INVALID", status_code: 401, request_id: ids[0] });
  });
});
