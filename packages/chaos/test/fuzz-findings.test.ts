// What the fuzz suite (fuzz.test.ts) found, each kept as an exact case through the real gateway:
// every one was a 5xx, nginx's HTML, a body-less answer or an answer that never came.
import { errorBodySchema } from "@tollgate/contracts";
import { startE2eStack, type E2eStack } from "@tollgate/test-harness";
import type { FuzzIdentity } from "./support/fuzz-draft";
import { signedInIdentity } from "./support/fuzz-identity";
import { startFuzzUpstream, type FuzzUpstream } from "./support/fuzz-upstream";
import { exchange, headerOf, type WireAnswer } from "./support/fuzz-wire";

const PERCENT_DETAIL = "the path is not valid percent-encoding: each % takes two hex digits, and the bytes must be UTF-8";

describe("hostile inputs the fuzz suite found, answered in the standard body", () => {
  let upstream: FuzzUpstream;
  let stack: E2eStack;
  let user: FuzzIdentity;
  let port: number;

  beforeAll(async () => {
    upstream = await startFuzzUpstream();
    stack = await startE2eStack({ upstreamUrl: upstream.url, appOrigin: true });
    user = await signedInIdentity(stack.gatewayUrl);
    port = Number(new URL(stack.gatewayUrl).port);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
  });

  /** One request as written: the request line, then header lines; a body after a blank line if given. */
  const send = (lines: string[], body = "", version = " HTTP/1.1"): Promise<WireAnswer> => {
    const [first = "", ...headers] = lines;
    const [method = "", target = ""] = first.split(" ");
    return exchange(port, { method, target, version: version.trim(), headers: headers.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]), body: Buffer.from(body, "latin1"), lineEnd: "\r\n", halfClose: false }, 10_000);
  };

  /** The answer's status and standard body, its request_id checked against the one X-Request-Id. */
  const standard = (answer: WireAnswer) => {
    if (answer.kind !== "answer") throw new Error(`expected an answer, got ${JSON.stringify(answer)}`);
    const ids = answer.headers.filter(([name]) => name === "x-request-id").map(([, value]) => value);
    const body = errorBodySchema.strict().parse(JSON.parse(answer.body.toString("utf8")));
    expect({ ids, contentType: headerOf(answer.headers, "content-type")?.split(";")[0] }).toEqual({ ids: [body.request_id], contentType: "application/json" });
    return { status: answer.status, detail: body.detail, error_code: body.error_code, status_code: body.status_code };
  };

  it.each([
    ["POST /api/v1/tokens/%ff/revoke"],
    ["POST /api/v1/games/%ff/join"],
    ["GET /api/v1/tokens/%f8"],
    ["GET /api/v1/auth/oauth/%ed%a0%80/authorize"],
  ])("when a path segment is malformed percent-encoding (%s), then 400 BAD_REQUEST saying so, not 500", async (line) => {
    const answer = await send([line, "Host: 127.0.0.1", `Authorization: Bearer ${user.bearer}`, "Content-Length: 0", "Connection: close"]);
    expect(standard(answer)).toEqual({ status: 400, detail: PERCENT_DETAIL, error_code: "BAD_REQUEST", status_code: 400 });
  });

  it("when the Transfer-Encoding is one nginx does not know (gzip), then 400 TRANSFER_ENCODING_NOT_SUPPORTED, not 501", async () => {
    const answer = await send(["POST /api/v1/auth/login", "Host: 127.0.0.1", "Transfer-Encoding: gzip", "Connection: close"]);
    expect(standard(answer)).toMatchObject({ status: 400, error_code: "TRANSFER_ENCODING_NOT_SUPPORTED", status_code: 400 });
  });

  it("when the request line says HTTP/2.0, then 400 HTTP_VERSION_NOT_SUPPORTED, not 505", async () => {
    const answer = await send(["GET /health", "Host: 127.0.0.1", "Connection: close"], "", " HTTP/2.0");
    expect(standard(answer)).toMatchObject({ status: 400, error_code: "HTTP_VERSION_NOT_SUPPORTED", status_code: 400 });
  });

  it("when a route nginx answers itself (404) gets a malformed chunked body, then the second failure is JSON too, not nginx's HTML 400", async () => {
    const answer = await send(["GET /no/such/route", "Host: 127.0.0.1", "Transfer-Encoding: chunked", "Connection: close"], "zz\r\nabc\r\n0\r\n\r\n");
    expect(standard(answer)).toEqual({ status: 400, detail: "the request is malformed", error_code: "BAD_REQUEST", status_code: 400 });
  });

  it("when a refused CORS preflight carries a malformed chunked body, then 400 BAD_REQUEST whose body says 400, not the 403 page's body under a 400", async () => {
    const preflight = ["OPTIONS /api/v1/proxy/echo", "Host: 127.0.0.1", "Origin: https://evil.example", "Access-Control-Request-Method: DELETE", "Connection: close"];
    expect(standard(await send([...preflight, "Transfer-Encoding: chunked"], "-1\r\n\r\n"))).toEqual({ status: 400, detail: "the request is malformed", error_code: "BAD_REQUEST", status_code: 400 });
    expect(standard(await send(preflight))).toMatchObject({ status: 403, error_code: "ORIGIN_NOT_ALLOWED", status_code: 403 });
  });

  it("when /docs/ is asked with a precondition it does not meet (If-Match), then 412 PRECONDITION_FAILED in the standard body", async () => {
    const answer = await send(["GET /docs/", "Host: 127.0.0.1", 'If-Match: "not-this-one"', "Connection: close"]);
    expect(standard(answer)).toMatchObject({ status: 412, error_code: "PRECONDITION_FAILED", status_code: 412 });
  });

  it("when /docs/ is asked for a range past its end, then the whole page (200, one X-Request-Id), not a 416 with two", async () => {
    const answer = await send(["GET /docs/", "Host: 127.0.0.1", "Range: bytes=999999-", "Connection: close"]);
    expect(answer.kind === "answer" && { status: answer.status, ids: answer.headers.filter(([name]) => name === "x-request-id").length }).toEqual({ status: 200, ids: 1 });
  });

  it("when an HTTP/1.0 request has no Host, then the service answers it (401 in its body), not node's bare 400", async () => {
    const answer = await send(["GET /api/v1/users/me"], "", " HTTP/1.0");
    expect(standard(answer)).toMatchObject({ status: 401, error_code: "UNAUTHENTICATED", status_code: 401 });
  });

  it("when an HTTP/0.9 request (no version, no headers) reaches a service, then its answer's body arrives: the standard 401, not nothing", async () => {
    const answer = await send(["GET /api/v1/users/me"], "", "");
    expect(answer.kind).toBe("bare-body");
    const body = errorBodySchema.strict().parse(JSON.parse(answer.kind === "bare-body" ? answer.body.toString("utf8") : "{}"));
    expect({ error_code: body.error_code, status_code: body.status_code }).toEqual({ error_code: "UNAUTHENTICATED", status_code: 401 });
  });

  it("when /health gets a method node's parser refuses (BREW), then 400 BAD_REQUEST in the standard body, not an empty one", async () => {
    const answer = await send(["BREW /health", "Host: 127.0.0.1", "Connection: close"]);
    expect(standard(answer)).toMatchObject({ status: 400, error_code: "BAD_REQUEST", status_code: 400 });
  });

  it.each([
    ["PATCH /api/v1/proxy/echo", "websocket", 400, "UPGRADE_NOT_SUPPORTED"],
    ["GET /api/v1/proxy/echo", "h2c", 400, "UPGRADE_NOT_SUPPORTED"],
    ["GET /api/v1/proxyx", "websocket", 404, "NOT_FOUND"],
  ])("when the proxy gets an upgrade it cannot tunnel (%s, Upgrade: %s), then %i %s, not the gateway's 503", async (line, protocol, status, code) => {
    const answer = await send([line, "Host: 127.0.0.1", `X-Access-Token: ${user.accessToken}`, "Connection: Upgrade", `Upgrade: ${protocol}`, "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Content-Length: 0"]);
    expect(standard(answer)).toMatchObject({ status, error_code: code, status_code: status });
  });

  it("when /ws/game gets a handshake for another protocol (Upgrade: h2c), then 400 WEBSOCKET_HANDSHAKE_INVALID, not ws's text page", async () => {
    const answer = await send(["GET /ws/game", "Host: 127.0.0.1", `Authorization: Bearer ${user.bearer}`, "Connection: Upgrade", "Upgrade: h2c"]);
    expect(standard(answer)).toEqual({ status: 400, detail: "not a WebSocket handshake: Invalid Upgrade header", error_code: "WEBSOCKET_HANDSHAKE_INVALID", status_code: 400 });
  });

  it("when a path on the app origin is //%ff, then the proxy treats it as a path: 401 without a session, not 500", async () => {
    const answer = await send(["GET //%ff", `Host: app.localhost:${port}`, "Accept: application/json", "Connection: close"]);
    expect(standard(answer)).toMatchObject({ status: 401, error_code: "APP_SESSION_INVALID", status_code: 401 });
  });
});
