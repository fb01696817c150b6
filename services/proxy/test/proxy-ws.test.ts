import { waitFor } from "@tollgate/test-harness";
import WebSocket from "ws";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

function openTunnel(url: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; messages: string[]; closed: Promise<{ code: number; reason: string; at: number }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const messages: string[] = [];
    const closed = new Promise<{ code: number; reason: string; at: number }>((done) => socket.once("close", (code, reason) => done({ code, reason: reason.toString(), at: performance.now() })));
    socket.on("message", (data) => messages.push(data.toString()));
    socket.once("open", () => resolve({ socket, messages, closed }));
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

describe("proxy WebSocket tunnels", () => {
  let fx: ProxyFixture;

  beforeAll(async () => {
    fx = await startProxyFixture();
  });

  afterAll(async () => {
    await fx.close();
  });

  const wsUrl = (query = "") => `${fx.proxyUrl.replace("http", "ws")}/api/v1/proxy/ws/echo${query}`;

  it("when a valid token opens a tunnel (header or query), then messages echo through and the upstream sees the user", async () => {
    const bought = await fx.buyToken();
    const viaHeader = await openTunnel(wsUrl(), { "X-Access-Token": bought.token });
    viaHeader.socket.send("ping-through-proxy");
    await waitFor(() => viaHeader.messages.includes("ping-through-proxy"), { what: "the echo" });
    expect(JSON.parse(viaHeader.messages[0] ?? "{}")).toEqual({ type: "hello", user_id: bought.userId });
    viaHeader.socket.close();

    const viaQuery = await openTunnel(wsUrl(`?access_token=${bought.token}`));
    viaQuery.socket.send("second");
    await waitFor(() => viaQuery.messages.includes("second"), { what: "the second echo" });
    viaQuery.socket.close();
  });

  it("when the token is missing or unknown, then the upgrade is refused with 401", async () => {
    await expect(openTunnel(wsUrl())).rejects.toThrow("401");
    await expect(openTunnel(wsUrl(), { "X-Access-Token": "B".repeat(64) })).rejects.toThrow("401");
  });

  it("when the token is revoked, then the open tunnel is closed with 4401 TOKEN_REVOKED", async () => {
    const bought = await fx.buyToken();
    const tunnel = await openTunnel(wsUrl(), { "X-Access-Token": bought.token });
    const revokedAt = performance.now();
    const res = await fetch(`${fx.tokenUrl}/api/v1/tokens/${bought.id}/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bought.userToken}` },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const closed = await tunnel.closed;
    console.log(`revoke → tunnel closed: ${(closed.at - revokedAt).toFixed(0)} ms`);
    expect(closed.code).toBe(4401);
    expect(closed.reason).toBe("TOKEN_REVOKED");
  });

  it("when a token expires while its tunnel is open, then the tunnel closes at expiry with 4401 TOKEN_EXPIRED", async () => {
    const bought = await fx.buyToken({ durationHours: 1 });
    // Move time: the token was activated almost an hour ago and has two seconds left.
    await fx.tokenKnex("access_tokens").where({ id: bought.id }).update({
      activated_at: fx.tokenKnex.raw("now() - interval '3598 seconds'"),
      expires_at: fx.tokenKnex.raw("now() + interval '2 seconds'"),
    });
    const tunnel = await openTunnel(wsUrl(), { "X-Access-Token": bought.token });
    const openedAt = performance.now();
    const closed = await tunnel.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toBe("TOKEN_EXPIRED");
    expect(closed.at - openedAt).toBeGreaterThan(1_000);
    expect(closed.at - openedAt).toBeLessThan(4_000);
  });
});
