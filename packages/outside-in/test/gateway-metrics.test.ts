// Issue #16, item 7: the gateway's Prometheus metrics, on the aggregator's internal port only:
// requests and latencies by route and status class (from the access log nginx sends it over
// syslog) and nginx's connection counters (stub_status).
import { expectGatewayError, rawRequest, send } from "./support/gateway-http";
import { HTTP_PORT, METRICS_URL } from "./support/gateway-settings";
import { GATEWAY } from "./support/stack";

/** Every sample of the exposition, by its name and labels as written ('name{a="b"}'). */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(METRICS_URL);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}
const sample = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

// /internal/ is blocked by the gateway (404): a route no other test of the shared stack calls.
const INTERNAL_404 = 'route="/internal",status_class="4xx"';

describe("gateway: metrics", () => {
  it("when the gateway is asked for /metrics, then 404 NOT_FOUND: the metrics are not public", async () => {
    expectGatewayError(await send(`${GATEWAY}/metrics`), 404, "NOT_FOUND");
    expectGatewayError(await send(`${GATEWAY}/stub_status`), 404, "NOT_FOUND");
  });

  it("when five requests go to a route, then its request count and latency histogram move by exactly five, and nginx's connection counters by at least five", async () => {
    const before = await scrape();
    for (let i = 0; i < 5; i++) {
      // A new connection each (Connection: close), so the accepted-connections counter must move.
      const res = await rawRequest(HTTP_PORT, "GET /internal/v1/tokens/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      expect(res.status).toBe(404);
    }
    let after = await scrape();
    for (let i = 0; i < 50 && sample(after, `tollgate_gateway_requests_total{${INTERNAL_404}}`) - sample(before, `tollgate_gateway_requests_total{${INTERNAL_404}}`) < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the access log reaches the aggregator over UDP
      after = await scrape();
    }
    const moved = (key: string) => sample(after, key) - sample(before, key);
    expect({
      requests: moved(`tollgate_gateway_requests_total{${INTERNAL_404}}`),
      observed: moved(`tollgate_gateway_request_duration_seconds_count{${INTERNAL_404}}`),
      withinFiveSeconds: moved(`tollgate_gateway_request_duration_seconds_bucket{le="5",${INTERNAL_404}}`),
    }).toEqual({ requests: 5, observed: 5, withinFiveSeconds: 5 });
    expect(moved("tollgate_gateway_connections_accepted_total")).toBeGreaterThanOrEqual(5);
    expect(moved("tollgate_gateway_connections_handled_total")).toBeGreaterThanOrEqual(5);
    expect(moved("tollgate_gateway_nginx_requests_total")).toBeGreaterThanOrEqual(5);
    expect(sample(after, "tollgate_gateway_status_up")).toBe(1);
    // The scrape itself is a connection nginx is writing to.
    expect(sample(after, 'tollgate_gateway_connections{state="writing"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'tollgate_gateway_connections{state="active"}')).toBeGreaterThanOrEqual(1);
  });
});
