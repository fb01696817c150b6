// Issue #16, items 1 and 3: what the shared gateway must not be made to do, on a gateway of the
// test's own (the same template and settings, in front of the same services): a service down
// (502 from nginx → 503), an unwritable temp folder (nginx's own 500), and rendering refusals.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expectGatewayError, headerValues, send } from "./support/gateway-http";
import { freePort, startOwnGateway, type OwnGateway } from "./support/gateway-own";
import { APP_HOST, gatewaySettings } from "./support/gateway-settings";
import { repoRoot } from "./support/stack";

describe("gateway: failures behind it", () => {
  let gateway: OwnGateway;
  beforeAll(async () => {
    // Nothing listens on these: auth and the proxy are "down" for this gateway only.
    gateway = await startOwnGateway({ AUTH_UPSTREAM: `127.0.0.1:${await freePort()}`, PROXY_UPSTREAM: `127.0.0.1:${await freePort()}` });
  });
  afterAll(() => gateway?.stop());

  it("when a service is down, then its routes answer 503 SERVICE_UNAVAILABLE with Retry-After: 5, and other services' routes still answer", async () => {
    const login = await send(`${gateway.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "auth-down-0001" }, body: "{}" });
    expect(expectGatewayError(login, 503, "SERVICE_UNAVAILABLE").request_id).toBe("auth-down-0001");
    expect(headerValues(login, "retry-after")).toEqual(["5"]);
    const tokens = await send(`${gateway.url}/api/v1/tokens/my-tokens`);
    expect(tokens.status).toBe(401);
    expect(headerValues(tokens, "retry-after")).toEqual([]);
  });

  it("when the proxy is down, then the app origin answers 503 SERVICE_UNAVAILABLE in the standard body", async () => {
    const res = await send(`${gateway.url}/`, { headers: { host: `${APP_HOST}:${gateway.port}`, accept: "text/html" } });
    expectGatewayError(res, 503, "SERVICE_UNAVAILABLE");
    expect(headerValues(res, "retry-after")).toEqual(["5"]);
  });

  it("when nginx cannot write a large body to its temp folder, then its 500 is INTERNAL_ERROR in the standard body, not its HTML page", async () => {
    chmodSync(path.join(gateway.dir, "client_body"), 0o000);
    const res = await send(`${gateway.url}/api/v1/tokens/purchase`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(20_000) }) });
    expectGatewayError(res, 500, "INTERNAL_ERROR");
  });
});

describe("gateway: rendering its configuration", () => {
  const render = (env: Record<string, string | undefined>, outDir: string) =>
    spawnSync(process.execPath, [path.join(repoRoot, "infra/gateway/render.mjs"), outDir], { env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv, encoding: "utf8" });
  const complete: Record<string, string> = { ...gatewaySettings(), GATEWAY_TLS_CERT: "/x/server.crt", GATEWAY_TLS_KEY: "/x/server.key", GATEWAY_LOG_DIR: "/x" };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tollgate-render-test-"));
    chmodSync(dir, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("when a placeholder's variable is unset, then rendering stops (78) naming it; GATEWAY_CORS_ORIGINS may be empty but not unset", () => {
    expect(render(complete, path.join(dir, "ok")).status).toBe(0);
    const { GATEWAY_TLS_CERT: _cert, GATEWAY_CORS_ORIGINS: _origins, ...incomplete } = complete;
    const refused = render(incomplete, path.join(dir, "refused"));
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 78, stderr: "gateway: missing variables: GATEWAY_CORS_ORIGINS, GATEWAY_TLS_CERT\n" });
  });

  it("when a CORS origin is not written as browsers send it, then rendering stops naming the form to use", () => {
    const refused = render({ ...complete, GATEWAY_CORS_ORIGINS: "https://Console.Example.test/" }, path.join(dir, "out"));
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 78, stderr: 'gateway: GATEWAY_CORS_ORIGINS: write "https://Console.Example.test/" as a browser sends it: "https://console.example.test"\n' });
  });

  it("when run as root into a folder nginx's unprivileged workers cannot enter, then rendering stops naming it", () => {
    if (process.getuid?.() !== 0) return;
    chmodSync(dir, 0o700);
    const refused = render(complete, path.join(dir, "gateway"));
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 78, stderr: `gateway: nginx's unprivileged workers cannot enter ${dir} (mode 700): chmod o+x it, or render elsewhere\n` });
  });
});
