// The gateway's Prometheus metrics: requests and their latencies by route and status class, from
// the access log lines nginx sends over syslog, and nginx's connection counters, read from its
// stub_status at each scrape (nginx documentation, ngx_http_stub_status_module).
import client from "prom-client";

// Latencies of API calls are milliseconds to seconds; proxied downloads and WebSockets run long.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
// The route comes from a finite map in nginx.conf.template; anything else (a datagram from
// elsewhere on the host) is folded into "other" so it cannot grow the label set.
const ROUTE = /^[A-Za-z0-9/._-]{1,40}$/;

const statusClass = (status) => (Number.isInteger(status) && status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : "other");

/** Parses stub_status's text: "Active connections: 2 / server accepts handled requests / 10 10 20 / Reading: 0 Writing: 1 Waiting: 1". */
export function parseStubStatus(text) {
  const numbers = (text.match(/\d+/g) ?? []).map(Number);
  if (numbers.length !== 7) throw new Error(`unexpected stub_status answer: ${JSON.stringify(text.slice(0, 200))}`);
  const [active, accepted, handled, requests, reading, writing, waiting] = numbers;
  return { active, accepted, handled, requests, reading, writing, waiting };
}

/** @param {{ statusUrl: string }} options */
export function createGatewayMetrics({ statusUrl }) {
  const registry = new client.Registry();
  const labelNames = ["route", "status_class"];
  const requests = new client.Counter({ name: "tollgate_gateway_requests_total", help: "Requests the gateway answered, by route and status class", labelNames, registers: [registry] });
  const duration = new client.Histogram({ name: "tollgate_gateway_request_duration_seconds", help: "Time from the request's first byte to the response's last, by route and status class", labelNames, buckets: BUCKETS, registers: [registry] });
  const logLines = new client.Counter({ name: "tollgate_gateway_log_lines_total", help: "Log lines received from nginx over syslog, by kind (access, error, unreadable)", labelNames: ["kind"], registers: [registry] });

  // Read once per scrape (readStatus, before the registry renders), shared by the metrics below.
  let status;
  const readStatus = async () => {
    status = await fetch(statusUrl, { signal: AbortSignal.timeout(1_000) })
      .then(async (res) => (res.ok ? parseStubStatus(await res.text()) : undefined))
      .catch(() => undefined);
  };
  new client.Gauge({
    name: "tollgate_gateway_status_up",
    help: "1 when nginx's stub_status answered this scrape, else 0 (the connection figures are then empty or 0, not nginx's)",
    registers: [registry],
    collect() {
      this.set(status ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "tollgate_gateway_connections",
    help: "Client connections open now, by state (active is the sum of reading, writing and waiting)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      this.reset();
      if (status) for (const state of ["active", "reading", "writing", "waiting"]) this.set({ state }, status[state]);
    },
  });
  const totals = { accepted: "Client connections accepted since nginx started", handled: "Client connections handled since nginx started", requests: "Client requests since nginx started (every request of every connection)" };
  for (const [key, help] of Object.entries(totals)) {
    new client.Counter({
      name: key === "requests" ? "tollgate_gateway_nginx_requests_total" : `tollgate_gateway_connections_${key}_total`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        if (status) this.inc(status[key]);
      },
    });
  }

  return {
    registry,
    /** The exposition text, nginx's counters read first. */
    async render() {
      await readStatus();
      return registry.metrics();
    },
    /** One access-log line (the tollgate_json format). */
    observeAccessLine(line) {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        logLines.inc({ kind: "unreadable" });
        return;
      }
      logLines.inc({ kind: "access" });
      const labels = { route: typeof entry.route === "string" && ROUTE.test(entry.route) ? entry.route : "other", status_class: statusClass(entry.status) };
      requests.inc(labels);
      if (typeof entry.duration_ms === "number") duration.observe(labels, entry.duration_ms / 1000);
    },
    countLine(kind) {
      logLines.inc({ kind });
    },
  };
}
