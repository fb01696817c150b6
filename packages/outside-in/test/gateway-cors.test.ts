// Issue #16, item 6: CORS on the API site only, for the origins of GATEWAY_CORS_ORIGINS (none in
// the local stack), without credentials; the app origin is left to the application.
import { expectGatewayError, headerValues, send, type WireResponse } from "./support/gateway-http";
import { startOwnGateway, type OwnGateway } from "./support/gateway-own";
import { APP_HOST, gatewaySettings } from "./support/gateway-settings";
import { GATEWAY } from "./support/stack";

const CONSOLE = "https://console.example.test";
const preflight = (url: string, origin: string, host?: string) =>
  send(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, idempotency-key", ...(host ? { host } : {}) } });
const corsHeaders = (res: WireResponse) => res.headers.filter(([name]) => name.startsWith("access-control-") || name === "vary");

describe("gateway: CORS with no origin configured (the local stack)", () => {
  it("when nothing is configured, then GATEWAY_CORS_ORIGINS is empty", () => {
    expect(gatewaySettings().GATEWAY_CORS_ORIGINS).toBe("");
  });

  it("when a browser preflights from any origin, then 403 ORIGIN_NOT_ALLOWED with no Access-Control-* header at all", async () => {
    const res = await preflight(`${GATEWAY}/api/v1/tokens/purchase`, CONSOLE);
    expectGatewayError(res, 403, "ORIGIN_NOT_ALLOWED");
    expect(corsHeaders(res)).toEqual([]);
  });

  it("when a cross-origin request is sent anyway, then the service answers without any Access-Control-* header", async () => {
    const res = await send(`${GATEWAY}/api/v1/tokens/my-tokens`, { headers: { origin: CONSOLE } });
    expect(res.status).toBe(401);
    expect(corsHeaders(res)).toEqual([]);
  });
});

describe("gateway: CORS with configured origins", () => {
  let gateway: OwnGateway;
  beforeAll(async () => {
    gateway = await startOwnGateway({ GATEWAY_CORS_ORIGINS: `${CONSOLE},http://localhost:5173` });
  });
  afterAll(() => gateway?.stop());

  it("when a configured origin preflights, then 204 with its origin, the API's methods and headers, Vary: Origin and no credentials", async () => {
    const res = await preflight(`${gateway.url}/api/v1/tokens/purchase`, CONSOLE);
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual([
      ["access-control-allow-origin", CONSOLE],
      ["access-control-expose-headers", "X-Request-Id, Retry-After"],
      ["access-control-allow-methods", "GET, HEAD, POST, PUT, PATCH, DELETE"],
      ["access-control-allow-headers", "Authorization, Content-Type, X-Access-Token, X-Request-Id, Idempotency-Key"],
      ["access-control-max-age", "600"],
      ["vary", "Origin"],
    ]);
    expect(headerValues(res, "x-request-id")).toHaveLength(1);
  });

  it("when another origin preflights, then 403 ORIGIN_NOT_ALLOWED with Vary: Origin and no Access-Control-* header", async () => {
    const res = await preflight(`${gateway.url}/api/v1/tokens/purchase`, "https://elsewhere.example.test");
    expectGatewayError(res, 403, "ORIGIN_NOT_ALLOWED");
    expect(corsHeaders(res)).toEqual([["vary", "Origin"]]);
  });

  it("when a configured origin sends the request itself, then the service's answer carries its origin, the exposed headers and Vary: Origin, once each", async () => {
    const res = await send(`${gateway.url}/api/v1/tokens/my-tokens`, { headers: { origin: "http://localhost:5173" } });
    expect(res.status).toBe(401);
    expect(corsHeaders(res)).toEqual([
      ["access-control-allow-origin", "http://localhost:5173"],
      ["access-control-expose-headers", "X-Request-Id, Retry-After"],
      ["vary", "Origin"],
    ]);
  });

  it("when a request has no Origin, then only Vary: Origin (a cache must not reuse it for a browser's cross-origin call)", async () => {
    const res = await send(`${gateway.url}/api/v1/tokens/my-tokens`);
    expect(corsHeaders(res)).toEqual([["vary", "Origin"]]);
  });

  it("when a configured origin preflights the app origin, then the gateway leaves it to the application: the proxy's own answer, no Access-Control-* header added", async () => {
    const host = `${APP_HOST}:${gateway.port}`;
    const res = await preflight(`${gateway.url}/anything`, CONSOLE, host);
    const direct = await preflight(`http://${gatewaySettings().PROXY_UPSTREAM}/anything`, CONSOLE, host);
    expect(corsHeaders(res)).toEqual(corsHeaders(direct));
    expect({ status: res.status, error_code: JSON.parse(res.body).error_code }).toEqual({ status: direct.status, error_code: JSON.parse(direct.body).error_code });
    expect(res.status).not.toBe(204);
  });
});
