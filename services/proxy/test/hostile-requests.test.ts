import net from "node:net";
import { errorBodySchema } from "@tollgate/contracts";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

const APP_ORIGIN = "http://app.localhost:18080";

/** The request as bytes (no client sends PATCH with Upgrade, or `//%ff` as a path); the whole answer until the proxy closes. */
function raw(proxyUrl: string, lines: string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(proxyUrl).port), "127.0.0.1", () => socket.write(`${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`));
    let data = "";
    socket.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => {
      const split = data.indexOf("\r\n\r\n");
      if (split === -1) return reject(new Error(`no answer, only ${JSON.stringify(data)}`));
      resolve({ status: Number(data.split(" ")[1]), body: JSON.parse(data.slice(split + 4)) as Record<string, unknown> });
    });
  });
}

describe("the proxy, given requests no client should send", () => {
  let fx: ProxyFixture;
  let token: string;

  beforeAll(async () => {
    fx = await startProxyFixture({ appPublicOrigin: APP_ORIGIN });
    token = (await fx.buyToken()).token;
  });

  afterAll(async () => {
    await fx.close();
  });

  it.each([
    ["a PATCH asking for a WebSocket", "PATCH /api/v1/proxy/ws/echo HTTP/1.1", "websocket"],
    ["a GET asking for another protocol", "GET /api/v1/proxy/ws/echo HTTP/1.1", "h2c"],
  ])("when an upgrade is %s, then 400 UPGRADE_NOT_SUPPORTED in the standard body, not a socket closed without a word", async (_case, requestLine, protocol) => {
    const res = await raw(fx.proxyUrl, [requestLine, "Host: 127.0.0.1", "X-Request-Id: odd-upgrade-0001", `X-Access-Token: ${token}`, "Connection: Upgrade", `Upgrade: ${protocol}`]);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "UPGRADE_NOT_SUPPORTED", status_code: 400, request_id: "odd-upgrade-0001" });
  });

  it("when an upgrade names the prefix without its slash, then 404 NOT_FOUND in the standard body", async () => {
    const res = await raw(fx.proxyUrl, ["GET /api/v1/proxyx HTTP/1.1", "Host: 127.0.0.1", "X-Request-Id: no-slash-0001", `X-Access-Token: ${token}`, "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]);
    expect(res.status).toBe(404);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "NOT_FOUND", status_code: 404, request_id: "no-slash-0001" });
  });

  it("when a path on the app origin starts with // and a malformed escape (//%ff), then it is a path, refused like any other without a session: 401, not 500", async () => {
    const res = await raw(fx.proxyUrl, ["GET //%ff HTTP/1.1", "Host: app.localhost:18080", "Accept: application/json", "X-Request-Id: double-slash-0001"]);
    expect(res.status).toBe(401);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "APP_SESSION_INVALID", status_code: 401, request_id: "double-slash-0001" });
  });
});
