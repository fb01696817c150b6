import { circuitBreaker, ConsecutiveBreaker, handleAll } from "cockatiel";
import type { Gauge, Registry } from "prom-client";
import request from "supertest";
import { BREAKER_STATE_METRIC, createHttpApp, createHttpMetrics, dependencyPolicy, exposeBreakerState, isConnectionError } from "../src";
import { captureLogger } from "./support";

async function breakerStates(registry: Registry): Promise<Record<string, number>> {
  const gauge = registry.getSingleMetric(BREAKER_STATE_METRIC) as Gauge | undefined;
  if (!gauge) return {};
  const { values } = await gauge.get();
  return Object.fromEntries(values.map((sample) => [String(sample.labels.dependency), sample.value]));
}

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

describe("service metrics", () => {
  it("when a service's app serves /metrics, then process and Node.js series are there beside the HTTP ones: CPU, memory, event-loop lag, GC, handles", async () => {
    const { logger } = captureLogger();
    const app = createHttpApp({ logger, routes: () => undefined });
    await request(app).get("/health/live").expect(200);
    const text = (await request(app).get("/metrics").expect(200)).text;
    for (const series of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_eventloop_lag_p99_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_active_handles_total",
      "http_requests_total",
    ]) {
      expect(text).toMatch(new RegExp(`^${series}(\\{[^}]*\\})? [0-9.e+-]+$`, "m"));
    }
    // A histogram by GC kind: its samples appear with the first collection, its type from the start.
    expect(text).toContain("# TYPE nodejs_gc_duration_seconds histogram");
  });
});

describe("breaker state", () => {
  it("when a dependency policy is built with the registry, then its breaker has a sample of 0 before any call; 1 once open, 0.5 during the half-open probe, 0 once closed", async () => {
    const { registry } = createHttpMetrics({ defaultMetrics: false });
    const policy = dependencyPolicy({ name: "token service", timeoutMs: 500, retries: 0, isRetryable: isConnectionError, breakerThreshold: 2, halfOpenAfterMs: 50, registry });
    expect(await breakerStates(registry)).toEqual({ token_service: 0 });

    for (let i = 0; i < 2; i++) await expect(policy.execute(async () => Promise.reject(refused()))).rejects.toThrow();
    expect(await breakerStates(registry)).toEqual({ token_service: 1 });

    await new Promise((resolve) => setTimeout(resolve, 70));
    let release = () => undefined as void;
    const probe = policy.execute(() => new Promise<string>((resolve) => (release = () => resolve("up"))));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await breakerStates(registry)).toEqual({ token_service: 0.5 });
    release();
    await expect(probe).resolves.toBe("up");
    expect(await breakerStates(registry)).toEqual({ token_service: 0 });
  });

  it("when breakers are built by hand and by the policy in one registry, then each has its own series, labelled by dependency", async () => {
    const { registry } = createHttpMetrics({ defaultMetrics: false });
    const upstream = circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(1) });
    exposeBreakerState(registry, "upstream", upstream);
    dependencyPolicy({ name: "sign-in provider google", timeoutMs: 500, retries: 0, isRetryable: () => false, breakerThreshold: 1, halfOpenAfterMs: 1_000, registry });
    expect(await breakerStates(registry)).toEqual({ upstream: 0, sign_in_provider_google: 0 });
    await expect(upstream.execute(() => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await breakerStates(registry)).toEqual({ upstream: 1, sign_in_provider_google: 0 });
    const text = await registry.metrics();
    expect(text).toContain(`${BREAKER_STATE_METRIC}{dependency="upstream"} 1`);
  });
});
