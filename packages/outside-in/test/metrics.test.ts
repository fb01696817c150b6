import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { GameSocket } from "@tollgate/client";
import { GATEWAY, repoRoot } from "./support/stack";

// Each service's /metrics, read directly as Prometheus would (the gateway does not route them).
const SERVICES = { auth: 3001, token: 3002, proxy: 3003, "game-realtime": 3004, billing: 3005 } as const;
type Service = keyof typeof SERVICES;

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus text format → samples (HELP/TYPE lines are kept apart, as declared names). */
function parse(text: string): { samples: Sample[]; declared: Set<string> } {
  const samples: Sample[] = [];
  const declared = new Set<string>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type?.[1]) declared.add(type[1]);
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || line.startsWith("#")) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) if (key) labels[key] = value ?? "";
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return { samples, declared };
}

async function scrape(service: Service) {
  const res = await fetch(`http://127.0.0.1:${SERVICES[service]}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  return parse(await res.text());
}

/** The samples of one series whose labels include `labels`. */
function series(scraped: { samples: Sample[] }, name: string, labels: Record<string, string> = {}): Sample[] {
  return scraped.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The one sample of a series; fails when there is none (or several). */
function value(scraped: { samples: Sample[] }, name: string, labels: Record<string, string> = {}): number {
  const found = series(scraped, name, labels);
  if (found.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${found.length} samples`);
  return (found[0] as Sample).value;
}

async function api<T>(method: string, url: string, options: { token?: string; body?: unknown; expect?: number } = {}): Promise<T> {
  const res = await fetch(`${GATEWAY}${url}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const expected = options.expect === undefined ? res.ok : res.status === options.expect;
  if (!expected) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls `check` until it returns true; a string it returns says what is still missing. */
async function eventually(check: () => Promise<true | string>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let result = await check(); result !== true; result = await check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${result}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const DEFAULT_SERIES = ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes", "nodejs_active_handles_total", "http_requests_total"];

describe("metrics a Prometheus user expects, on every service of the running stack", () => {
  it("when a user registers, logs in (once wrongly), buys, uses and revokes a token, plays over a socket and logs out, then each service's series exist and its counters moved by exactly that", async () => {
    const before = Object.fromEntries(await Promise.all(Object.keys(SERVICES).map(async (service) => [service, await scrape(service as Service)] as const))) as Record<Service, Awaited<ReturnType<typeof scrape>>>;

    const username = `metrics-${Date.now().toString(36)}`;
    const password = "a long passphrase here";
    await api("POST", "/api/v1/auth/register", { body: { email: `${username}@example.test`, username, password }, expect: 201 });
    await api("POST", "/api/v1/auth/login", { body: { login: username, password: "not the password" }, expect: 401 });
    const { access_token: access } = await api<{ access_token: string }>("POST", "/api/v1/auth/login", { body: { login: username, password } });
    await api("POST", "/api/v1/billing/dev/top-ups", { token: access, body: { amount: 5_000 }, expect: 201 });
    const bought = await api<{ id: string; token: string }>("POST", "/api/v1/tokens/purchase", { token: access, body: { duration_hours: 1 }, expect: 201 });
    let proxiedRequests = 0;
    const proxied = () => {
      proxiedRequests++;
      return fetch(`${GATEWAY}/api/v1/proxy/headers`, { headers: { "x-access-token": bought.token } }).then((res) => res.status);
    };
    expect(await proxied()).toBe(200);

    const socket = new GameSocket({ url: `${GATEWAY.replace(/^http/, "ws")}/ws/game`, token: async () => access, heartbeatMs: 10_000, reconnect: false, maxBackoffMs: 1_000 });
    await socket.connect();
    const playing = await scrape("game-realtime");
    socket.close();

    await api("POST", `/api/v1/tokens/${bought.id}/revoke`, { token: access });
    await api("POST", "/api/v1/auth/logout", { token: access, expect: 204 });
    // The revocation reaches the proxy over Kafka; until then its cache still grants.
    await eventually(async () => (await proxied()) === 401 || "still granted", "the proxy refusing the revoked token", 10_000);

    // Events published and consumed everywhere: no backlog, no lag.
    await eventually(async () => {
      const unsent = await Promise.all((["auth", "token", "billing"] as const).map(async (service) => `${service} ${series(await scrape(service), "tollgate_outbox_unsent_events")[0]?.value ?? "no sample"}`));
      return unsent.every((line) => line.endsWith(" 0")) || unsent.join(", ");
    }, "every outbox drained");
    await eventually(async () => {
      const behind = [];
      for (const service of Object.keys(SERVICES) as Service[]) {
        const lag = series(await scrape(service), "tollgate_kafka_consumer_lag");
        if (lag.length === 0) behind.push(`${service}: no lag series`);
        for (const sample of lag.filter((row) => row.value !== 0)) behind.push(`${service}: ${JSON.stringify(sample.labels)} ${sample.value}`);
      }
      return behind.length === 0 || behind.join("; ");
    }, "every consumer group caught up (lag 0 on every partition)");
    const after = Object.fromEntries(await Promise.all(Object.keys(SERVICES).map(async (service) => [service, await scrape(service as Service)] as const))) as Record<Service, Awaited<ReturnType<typeof scrape>>>;
    const moved = (service: Service, name: string, labels: Record<string, string> = {}) => value(after[service], name, labels) - (series(before[service], name, labels)[0]?.value ?? 0);

    // Process, Node.js and HTTP series, and Kafka consumers with dead-letter counters, everywhere.
    for (const service of Object.keys(SERVICES) as Service[]) {
      for (const name of DEFAULT_SERIES) expect({ service, name, present: series(after[service], name).length > 0 }).toEqual({ service, name, present: true });
      expect(after[service].declared.has("nodejs_gc_duration_seconds")).toBe(true);
      expect(series(after[service], "tollgate_kafka_consumer_lag").length).toBeGreaterThan(0);
      const deadLetters = series(after[service], "tollgate_kafka_dlq_messages_total");
      expect(new Set(deadLetters.map((sample) => sample.labels.reason))).toEqual(new Set(["not_json", "not_cloudevent", "bad_payload", "handler_failed"]));
      for (const sample of deadLetters) expect(moved(service, "tollgate_kafka_dlq_messages_total", sample.labels)).toBe(0);
    }

    // auth: logins by outcome, sessions revoked by reason, its outbox.
    expect(moved("auth", "auth_logins_total", { outcome: "success" })).toBe(1);
    expect(moved("auth", "auth_logins_total", { outcome: "failure" })).toBe(1);
    expect(moved("auth", "auth_logins_total", { outcome: "locked" })).toBe(0);
    expect(moved("auth", "auth_sessions_revoked_total", { reason: "logout" })).toBe(1);
    expect(value(after.auth, "tollgate_outbox_oldest_unsent_age_seconds")).toBe(0);

    // token: purchases by duration, activations, revocations by reason, its outbox (relay on a worker thread).
    expect(moved("token", "token_purchases_total", { duration_hours: "1" })).toBe(1);
    expect(moved("token", "token_purchases_total", { duration_hours: "24" })).toBe(0);
    expect(moved("token", "token_activations_total")).toBe(1);
    expect(moved("token", "token_revocations_total", { reason: "user_request" })).toBe(1);
    expect(moved("token", "token_revocations_total", { reason: "user_disabled" })).toBe(0);
    expect(value(after.token, "tollgate_outbox_oldest_unsent_age_seconds")).toBe(0);

    // billing: the top-up and the purchase it paid for, nothing declined or refunded, its outbox.
    expect(moved("billing", "tollgate_billing_top_ups_total", { provider: "development" })).toBe(1);
    expect(moved("billing", "tollgate_billing_top_ups_total", { provider: "stripe" })).toBe(0);
    expect(moved("billing", "tollgate_billing_purchases_total", { duration_hours: "1" })).toBe(1);
    expect(moved("billing", "tollgate_billing_declined_purchases_total", { reason: "insufficient_funds" })).toBe(0);
    expect(moved("billing", "tollgate_billing_refunds_total", { kind: "unused_token_returned" })).toBe(0);
    expect(series(after.billing, "tollgate_billing_webhook_failures_total").length).toBeGreaterThan(0);
    expect(value(after.billing, "tollgate_outbox_oldest_unsent_age_seconds")).toBe(0);

    // proxy: one validation per request, the first from the token service, the others from its cache
    // (the grant, then the revocation it was told of); breakers closed; tunnels.
    expect(moved("proxy", "proxy_token_validations_total", { tier: "token_service" })).toBe(1);
    expect(["memory", "redis", "token_service"].reduce((total, tier) => total + moved("proxy", "proxy_token_validations_total", { tier }), 0)).toBe(proxiedRequests);
    expect(value(after.proxy, "tollgate_circuit_breaker_state", { dependency: "token_service" })).toBe(0);
    expect(value(after.proxy, "tollgate_circuit_breaker_state", { dependency: "upstream" })).toBe(0);
    expect(series(after.proxy, "proxy_websocket_tunnels_open")).toHaveLength(1);
    expect(series(after.proxy, "proxy_breaker_open")).toEqual([]);

    // game-realtime: the open socket counted while it was open.
    expect(value(playing, "game_ws_connections") - value(before["game-realtime"], "game_ws_connections")).toBe(1);
    await eventually(async () => value(await scrape("game-realtime"), "game_ws_connections") === value(before["game-realtime"], "game_ws_connections") || "still counted", "the closed socket uncounted", 10_000);
  });

  it("when the stack's services started, then none wrote a \"level\":\"error\" line while starting (kafkajs's benign answers included)", () => {
    for (const service of Object.keys(SERVICES)) {
      const pidFile = path.join(repoRoot, ".tollgate", "pids", `${service}.pid`);
      const logFile = path.join(repoRoot, ".tollgate", "logs", `${service}.log`);
      expect({ service, started: existsSync(pidFile) && existsSync(logFile) }).toEqual({ service, started: true });
      // The log is appended to across starts: the current process's start is its own lines, from
      // when it started until a minute later (every service has joined its groups by then).
      const pid = readFileSync(pidFile, "utf8").trim();
      const startedAt = Date.now() - Number(execFileSync("ps", ["-o", "etimes=", "-p", pid], { encoding: "utf8" }).trim()) * 1000;
      const lines = readFileSync(logFile, "utf8").split("\n");
      const timeOf = (line: string) => Date.parse(/"timestamp":"([^"]+)"/.exec(line)?.[1] ?? "");
      const first = lines.findIndex((line) => timeOf(line) >= startedAt - 2_000);
      expect({ service, linesOfThisStart: first >= 0 }).toEqual({ service, linesOfThisStart: true });
      const startLines = lines.slice(first).filter((line) => !(timeOf(line) > startedAt + 60_000));
      expect({ service, errors: startLines.filter((line) => line.includes('"level":"error"')) }).toEqual({ service, errors: [] });
    }
  });
});
