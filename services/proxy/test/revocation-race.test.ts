import { proxyLaunchResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import WebSocket from "ws";
import { requestWithHost } from "./support/host-request";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

const APP_ORIGIN = "http://app.localhost:18081";
const CROSSINGS = 200;
const BATCH = 10;

type Outcome = { kind: "refused"; status: number } | { kind: "closed"; code: number } | { kind: "still-open" };

/**
 * Revoke a token the proxy has cached and, 0–14 ms later, open a WebSocket with it: whichever
 * wins, no tunnel may stay open once the revocation is acknowledged.
 */
describe("revocation racing a WebSocket handshake", () => {
  let fx: ProxyFixture;

  beforeAll(async () => {
    fx = await startProxyFixture({ appPublicOrigin: APP_ORIGIN });
  });

  afterAll(async () => {
    await fx.close();
  });

  async function revoke(id: string, userToken: string): Promise<void> {
    const res = await fetch(`${fx.tokenUrl}/api/v1/tokens/${id}/revoke`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${userToken}` }, body: "{}" });
    if (res.status !== 200) throw new Error(`revoke answered ${res.status}`);
  }

  function open(headers: Record<string, string>, path: string): { socket: WebSocket; settled: Promise<Outcome> } {
    const socket = new WebSocket(`${fx.proxyUrl.replace("http", "ws")}${path}`, { headers });
    socket.on("error", () => undefined);
    const settled = new Promise<Outcome>((resolve) => {
      socket.once("unexpected-response", (_req, res) => resolve({ kind: "refused", status: res.statusCode ?? 0 }));
      socket.once("close", (code) => resolve({ kind: "closed", code }));
    });
    return { socket, settled };
  }

  async function cross(i: number, credentials: (token: string) => Promise<{ headers: Record<string, string>; path: string }>): Promise<Outcome> {
    const bought = await fx.buyToken();
    const { headers, path } = await credentials(bought.token);
    const revoking = revoke(bought.id, bought.userToken);
    await new Promise((resolve) => setTimeout(resolve, i % 15));
    const { socket, settled } = open(headers, path);
    await revoking;
    // Acknowledged: from here on, the tunnel must go away by itself (the event's own latency only).
    const outcome = await Promise.race([settled, new Promise<Outcome>((resolve) => setTimeout(() => resolve({ kind: "still-open" }), 3_000))]);
    socket.terminate();
    return outcome;
  }

  async function crossings(credentials: (token: string) => Promise<{ headers: Record<string, string>; path: string }>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (let start = 0; start < CROSSINGS; start += BATCH) {
      outcomes.push(...(await Promise.all(Array.from({ length: BATCH }, (_, j) => cross(start + j, credentials)))));
    }
    return outcomes;
  }

  const summary = (outcomes: Outcome[]) => outcomes.reduce<Record<string, number>>((counts, o) => {
    const key = o.kind === "refused" ? `refused ${o.status}` : o.kind === "closed" ? `closed ${o.code}` : "still open";
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});

  it(`when ${CROSSINGS} revocations cross tunnel handshakes under the prefix, then every tunnel is refused or closed with 4401`, async () => {
    const outcomes = await crossings(async (token) => {
      // Used once over HTTP first, so the proxy has it cached when the race starts.
      expect((await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": token } })).status).toBe(200);
      return { headers: { "X-Access-Token": token }, path: "/api/v1/proxy/ws/echo" };
    });
    console.log("prefix crossings:", summary(outcomes));
    expect(outcomes.filter((o) => !(o.kind === "refused" && o.status === 401) && !(o.kind === "closed" && o.code === 4401))).toEqual([]);
    await waitFor(() => fx.runtime.tunnels.size === 0, { what: "no tunnel left in the registry" });
  });

  it(`when ${CROSSINGS} revocations cross app-session socket handshakes, then every socket is refused or closed with 4401`, async () => {
    const appHost = new URL(APP_ORIGIN).host;
    const outcomes = await crossings(async (token) => {
      const launched = await fetch(`${fx.proxyUrl}/api/v1/proxy/launch`, { method: "POST", headers: { "X-Access-Token": token } });
      const url = new URL(proxyLaunchResponseSchema.parse(await launched.json()).url);
      const opened = await requestWithHost(fx.proxyUrl, appHost, `${url.pathname}${url.search}`);
      const cookie = String(opened.headers["set-cookie"]?.[0] ?? "").split(";")[0] ?? "";
      expect(cookie).toMatch(/^tollgate_app_session=/);
      return { headers: { host: appHost, origin: APP_ORIGIN, cookie }, path: "/ws/echo" };
    });
    console.log("app-session crossings:", summary(outcomes));
    expect(outcomes.filter((o) => !(o.kind === "refused" && o.status === 401) && !(o.kind === "closed" && o.code === 4401))).toEqual([]);
    await waitFor(() => fx.runtime.tunnels.size === 0, { what: "no tunnel left in the registry" });
  });
});
