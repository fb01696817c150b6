// Issue #16, item 1: request bodies over nginx's in-memory buffer (16 KB) are written to its
// client_body/ folder by the unprivileged workers; a root-only folder made them answer 500.
import { randomBytes } from "node:crypto";
import { expectGatewayError, headerValue, headerValues, rawRequest, send, STANDARD_ERROR_FIELDS } from "./support/gateway-http";
import { APP_HOST_HEADER, HTTP_PORT } from "./support/gateway-settings";
import { buyToken, newUser, type GatewayUser } from "./support/gateway-user";
import { GATEWAY } from "./support/stack";

/** The service's own 422: the standard body plus `errors`, the request id the gateway gave. */
function expectServiceValidationError(res: { status: number; headers: [string, string][]; body: string }, path: string): void {
  expect(res.status).toBe(422);
  expect(headerValue(res, "content-type")).toBe("application/json; charset=utf-8");
  const ids = headerValues(res, "x-request-id");
  expect(ids).toHaveLength(1);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual([...STANDARD_ERROR_FIELDS, "errors"].sort());
  expect(body).toMatchObject({ error_code: "VALIDATION_ERROR", status_code: 422, request_id: ids[0] });
  expect((body.errors as { path: string }[]).map((error) => error.path)).toEqual([path]);
}

describe("gateway: request bodies", () => {
  let user: GatewayUser;
  beforeAll(async () => {
    user = await newUser();
  });

  it.each([15_000, 20_000])("when a purchase carries a %i-byte body, then the token service answers it: 422 for its invalid duration, not the gateway's 500", async (size) => {
    const body = JSON.stringify({ duration_hours: "1".padEnd(size - 21, "0") });
    expect(Buffer.byteLength(body)).toBe(size);
    const res = await send(`${GATEWAY}/api/v1/tokens/purchase`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${user.accessToken}` }, body });
    expectServiceValidationError(res, "duration_hours");
  });

  it("when someone registers with a 100 KB email, then the auth service answers 422 for the email, not the gateway's 500", async () => {
    const name = `gw-${randomBytes(4).toString("hex")}`;
    const body = JSON.stringify({ email: `${"a".repeat(100_000)}@example.test`, username: name, password: "a long passphrase here" });
    const res = await send(`${GATEWAY}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expectServiceValidationError(res, "email");
  });

  it("when a 600 KB body goes through the proxy's path prefix, then the upstream receives every byte", async () => {
    const token = await buyToken(user);
    const body = randomBytes(300_000).toString("hex");
    const res = await send(`${GATEWAY}/api/v1/proxy/echo`, { method: "POST", headers: { "content-type": "application/octet-stream", "x-access-token": token }, body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ method: "POST", bytes: 600_000 });
  });

  it("when a body is larger than GATEWAY_MAX_BODY_SIZE (1m), then 413 PAYLOAD_TOO_LARGE in the standard body, on the API and on the app origin", async () => {
    const sent = await send(`${GATEWAY}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.alloc(1024 * 1024 + 1, 32) });
    expectGatewayError(sent, 413, "PAYLOAD_TOO_LARGE");
    const announced = await rawRequest(HTTP_PORT, `POST /api/v1/tokens/purchase HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: too-large-0001\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n`);
    expect(expectGatewayError(announced, 413, "PAYLOAD_TOO_LARGE").request_id).toBe("too-large-0001");
    const app = await rawRequest(HTTP_PORT, `POST /upload HTTP/1.1\r\nHost: ${APP_HOST_HEADER}\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n`);
    expectGatewayError(app, 413, "PAYLOAD_TOO_LARGE");
  });
});
