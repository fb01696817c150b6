import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { childEnv, testDatabaseUrl, testInfra, uniqueName } from "./config";
import { freePort } from "./dedicated-kafka";
import { repoRoot } from "./repo-root";
import { startMailSinkProcess } from "./mail-sink-process";
import { waitFor } from "./wait-for";

/** A fresh `IDENTITY_ASSERTION_KEYS` for the proxy: a JWK Set with one EC P-256 private key. */
export function identityAssertionKeySet(kid = `e2e-${randomBytes(4).toString("hex")}`): string {
  return JSON.stringify({ keys: [{ ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }), kid }] });
}

/** The processes of an end-to-end stack, by the names its options and `kill` use. */
export type E2eProcessName = "demo-upstream" | "auth" | "token" | "billing" | "proxy" | "game-realtime" | "gateway-health" | "gateway" | "mail-sink";

/** Every duration free: purchases behave as before prices existed. */
export const ZERO_PRICE_LIST = "1:0,12:0,24:0,168:0,720:0";

export interface E2eStackOptions {
  /** The application behind the proxy. Default: the demo upstream the stack starts (it is not started otherwise). */
  upstreamUrl?: string;
  /** Serve the upstream at the root of `http://app.localhost:<gateway port>` too (the proxy's APP_PUBLIC_ORIGIN). */
  appOrigin?: boolean;
  /** The billing service's PRICE_LIST (minor units per duration, e.g. `1:200,12:1500,24:2500,168:12000,720:40000`); default all 0. */
  priceList?: string;
  /** Extra environment per process, over the stack's own (e.g. `{ proxy: { LOG_LEVEL: "info" } }`). */
  env?: Partial<Record<E2eProcessName, Record<string, string>>>;
}

export interface E2eStack {
  gatewayUrl: string;
  /** The gateway's TLS listener (HTTPS, HTTP/2, WSS): `https://127.0.0.1:<port>`, its certificate signed by `caFile`'s CA. */
  tlsUrl: string;
  /** The PEM certificate of the stack's own CA (infra/gateway/local-tls.sh), for 127.0.0.1, localhost and app.localhost. */
  caFile: string;
  /** The gateway's Prometheus metrics (its aggregator's internal port; not served by the gateway itself). */
  metricsUrl: string;
  /** The mail sink auth sends to (`GET <mailSinkUrl>/messages?to=`; `waitForMail` reads it). */
  mailSinkUrl: string;
  /** `http://app.localhost:<gateway port>` when the app origin is on; browsers resolve *.localhost to loopback. */
  appOrigin: string | undefined;
  /**
   * The billing service's database, one per stack (prices are global to a database, and stacks run
   * side by side with different PRICE_LISTs); dropped by `stop`.
   */
  billingDatabaseUrl: string;
  /** Each process's output is in `<name>.log` here, the gateway's access and error logs beside them. */
  logDir: string;
  processes: Map<E2eProcessName, ChildProcess>;
  kill(name: E2eProcessName): void;
  /**
   * Starts a service again (SIGKILLing it first if it still runs) with its own environment plus
   * `env`, on the same port, and resolves once its `/health/live` answers 200. A crash test's way
   * back from `kill`, or a way to run one process with a test-only setting for a while.
   */
  restart(name: E2eProcessName, env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** The host name the gateway routes to the proxy's app origin; *.localhost needs no DNS. */
export const E2E_APP_HOST = "app.localhost";

/**
 * Every service as its own process from its build (as ops run them), the demo upstream, and the
 * real nginx gateway rendered from infra/gateway, all on free ports, with `*_e2e_test` databases
 * and topics of their own. Needs `npx turbo run build` first: services run from `dist`.
 */
export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const root = repoRoot();
  const logDir = mkdtempSync(path.join(tmpdir(), "tollgate-e2e-"));
  // mkdtemp makes the folder 0700; nginx's unprivileged workers must reach gateway/ inside it
  // (client bodies over 16 KB are written there).
  chmodSync(logDir, 0o755);
  const secret = randomBytes(24).toString("hex");
  // The token service's own client credentials at auth, for its calls to billing (scope billing:purchases).
  const tokenClientSecret = randomBytes(24).toString("hex");
  const billingDatabase = `tollgate_billing_e2e_test_${randomBytes(4).toString("hex")}`;
  // The mail sink binds port 0 itself: started after the ports below were picked (and released), the
  // kernel once gave it the gateway's, and the stack never got ready (/health answered by the sink).
  const processes = new Map<E2eProcessName, ChildProcess>();
  const sink = await startMailSinkProcess(path.join(logDir, "mail-sink.log"));
  processes.set("mail-sink", sink.process);
  const ports = { demo: await freePort(), auth: await freePort(), token: await freePort(), billing: await freePort(), proxy: await freePort(), game: await freePort(), gateway: await freePort(), health: await freePort(), tls: await freePort(), status: await freePort() };
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const gatewayUrl = local(ports.gateway);
  const appOrigin = options.appOrigin ? `http://${E2E_APP_HOST}:${ports.gateway}` : undefined;
  const extra = (name: E2eProcessName) => options.env?.[name] ?? {};
  const common = {
    // Only what a service needs from this shell: a developer's PORT or DATABASE_URL must not leak in.
    PATH: childEnv({}).PATH ?? "",
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    REDIS_URL: testInfra().redisUrl,
    KAFKA_BROKERS: testInfra().kafkaBrokers.join(","),
    KAFKA_TOPIC_NAMESPACE: uniqueName("e2e"),
    JWT_ISSUER: "tollgate-auth",
    JWT_AUDIENCE: "tollgate",
    AUTH_JWKS_URL: `${local(ports.auth)}/.well-known/jwks.json`,
  };
  const services: { name: E2eProcessName; env: Record<string, string> }[] = [
    ...(options.upstreamUrl ? [] : [{ name: "demo-upstream" as const, env: { PORT: String(ports.demo) } }]),
    {
      name: "auth",
      env: {
        PORT: String(ports.auth),
        DATABASE_URL: testDatabaseUrl("tollgate_auth_e2e_test"),
        SERVICE_CLIENTS: [
          `proxy:${createHash("sha256").update(secret).digest("hex")}:tokens:validate`,
          `token:${createHash("sha256").update(tokenClientSecret).digest("hex")}:billing:purchases`,
        ].join(","),
        ARGON2_MEMORY_KIB: "1024",
        ARGON2_TIME_COST: "1",
        LOGIN_IP_MAX_FAILURES: "100000",
        // Every client of a stack is 127.0.0.1, and stacks share one Redis: keys of its own, and a
        // per-IP mail budget no run of tests reaches.
        REDIS_KEY_NAMESPACE: uniqueName("e2e"),
        ACCOUNT_MAIL_IP_MAX: "100000",
        SMTP_URL: sink.smtpUrl,
        MAIL_FROM: "Tollgate <no-reply@tollgate.localhost>",
        PUBLIC_BASE_URL: gatewayUrl,
      },
    },
    { name: "billing", env: { PORT: String(ports.billing), DATABASE_URL: testDatabaseUrl(billingDatabase), PRICE_LIST: options.priceList ?? ZERO_PRICE_LIST, PRICE_CURRENCY: "usd" } },
    {
      name: "token",
      env: {
        PORT: String(ports.token),
        DATABASE_URL: testDatabaseUrl("tollgate_token_e2e_test"),
        BILLING_URL: local(ports.billing),
        AUTH_URL: local(ports.auth),
        SERVICE_CLIENT_ID: "token",
        SERVICE_CLIENT_SECRET: tokenClientSecret,
        IDEMPOTENCY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      },
    },
    {
      name: "proxy",
      env: {
        PORT: String(ports.proxy),
        UPSTREAM_URL: options.upstreamUrl ?? local(ports.demo),
        TOKEN_SERVICE_URL: local(ports.token),
        AUTH_URL: local(ports.auth),
        SERVICE_CLIENT_ID: "proxy",
        SERVICE_CLIENT_SECRET: secret,
        IDENTITY_ASSERTION_KEYS: identityAssertionKeySet(),
        ...(appOrigin ? { APP_PUBLIC_ORIGIN: appOrigin } : {}),
      },
    },
    {
      name: "game-realtime",
      env: {
        PORT: String(ports.game),
        DATABASE_URL: testDatabaseUrl("tollgate_game_e2e_test"),
        GRACE_PERIOD_MS: "5000",
        // Its matchmaking queue, notices, presence and grace deadlines live in the one Redis every
        // stack shares (the local stack's too): keys of its own, or it pairs other stacks' players.
        REDIS_KEY_NAMESPACE: uniqueName("e2e"),
      },
    },
  ];

  let stopping = false;
  const launch = (name: E2eProcessName, command: string, args: string[], env: Record<string, string>) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    // Appended: a restarted process keeps the log of the one before it.
    const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: "a" });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tail.push(chunk.toString());
      if (tail.length > 50) tail.shift();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("exit", (code) => {
      log.end();
      if (code !== 0 && code !== null && !stopping) process.stderr.write(`[e2e] ${name} exited with ${code}:\n${tail.join("").slice(-2_000)}\n`);
    });
    processes.set(name, child);
  };

  const serviceEnv = new Map<E2eProcessName, Record<string, string>>();
  for (const service of services) {
    serviceEnv.set(service.name, { ...common, ...service.env, ...extra(service.name) });
    launch(service.name, process.execPath, [path.join(root, "services", service.name, "dist", "main.js")], serviceEnv.get(service.name) ?? {});
  }

  const gatewayDir = path.join(logDir, "gateway");
  const tlsDir = path.join(logDir, "tls");
  const tls = spawnSync("sh", [path.join(root, "infra/gateway/local-tls.sh"), tlsDir, "127.0.0.1", "localhost", E2E_APP_HOST], { encoding: "utf8" });
  if (tls.status !== 0) throw new Error(`local-tls.sh exited ${tls.status}: ${tls.stderr}`);
  const gatewayEnv = {
    ...common,
    GATEWAY_LISTEN: `127.0.0.1:${ports.gateway}`,
    GATEWAY_TLS_LISTEN: `127.0.0.1:${ports.tls}`,
    GATEWAY_TLS_CERT: path.join(tlsDir, "server.crt"),
    GATEWAY_TLS_KEY: path.join(tlsDir, "server.key"),
    GATEWAY_HSTS: "max-age=0",
    GATEWAY_CORS_ORIGINS: "",
    GATEWAY_STATUS_LISTEN: `127.0.0.1:${ports.status}`,
    GATEWAY_STATUS_URL: `${local(ports.status)}/stub_status`,
    GATEWAY_ERROR_LOG: path.join(logDir, "gateway-error.log"),
    GATEWAY_APP_HOST: E2E_APP_HOST,
    GATEWAY_MAX_BODY_SIZE: "1m",
    GATEWAY_LOGIN_RATE: "100r/s",
    GATEWAY_LOGIN_BURST: "100",
    GATEWAY_HEALTH_PORT: String(ports.health),
    GATEWAY_HEALTH_UPSTREAM: `127.0.0.1:${ports.health}`,
    GATEWAY_HEALTH_TARGETS: `auth=${local(ports.auth)},token=${local(ports.token)},billing=${local(ports.billing)},proxy=${local(ports.proxy)},game-realtime=${local(ports.game)}`,
    GATEWAY_LOG_DIR: logDir,
    AUTH_UPSTREAM: `127.0.0.1:${ports.auth}`,
    TOKEN_UPSTREAM: `127.0.0.1:${ports.token}`,
    BILLING_UPSTREAM: `127.0.0.1:${ports.billing}`,
    PROXY_UPSTREAM: `127.0.0.1:${ports.proxy}`,
    GAME_UPSTREAM: `127.0.0.1:${ports.game}`,
    ...extra("gateway"),
  };
  await new Promise<void>((resolve, reject) => {
    const render = spawn(process.execPath, [path.join(root, "infra/gateway/render.mjs"), gatewayDir], { env: gatewayEnv, stdio: "inherit" });
    render.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`gateway render exited ${code}`))));
  });
  launch("gateway-health", process.execPath, [path.join(root, "infra/gateway/health-aggregator.mjs")], { ...gatewayEnv, ...extra("gateway-health") });
  launch("gateway", "nginx", ["-p", gatewayDir, "-c", path.join(gatewayDir, "nginx.conf"), "-g", "daemon off;"], gatewayEnv);

  const stop = async () => {
    stopping = true;
    await Promise.all(
      [...processes.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            // SIGTERM everywhere, nginx included (its fast shutdown): a graceful SIGQUIT would wait
            // for open WebSockets, and a SIGKILL after it would leave nginx's workers running.
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
          }),
      ),
    );
    const admin = new Client({ connectionString: testDatabaseUrl("postgres") });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${billingDatabase}" WITH (FORCE)`).finally(() => admin.end());
  };

  // The aggregate's last answer says which service was not ready, should the wait time out.
  let lastHealth = "no answer";
  try {
    await waitFor(
      async () => {
        const res = await fetch(`${gatewayUrl}/health`).catch(() => undefined);
        lastHealth = res ? `${res.status} ${await res.text().catch(() => "")}` : "no answer";
        return res?.status === 200;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: `every service to be ready behind the gateway (logs in ${logDir})` },
    );
  } catch (error) {
    // A stack that never got ready is not handed to the caller, so no afterAll would stop it.
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the last /health said: ${lastHealth.slice(0, 1_000)}`, { cause: error });
  }

  return {
    gatewayUrl,
    tlsUrl: `https://127.0.0.1:${ports.tls}`,
    caFile: path.join(tlsDir, "ca.crt"),
    metricsUrl: `${local(ports.health)}/metrics`,
    mailSinkUrl: sink.httpUrl,
    billingDatabaseUrl: testDatabaseUrl(billingDatabase),
    appOrigin,
    logDir,
    processes,
    kill(name) {
      processes.get(name)?.kill("SIGKILL");
    },
    async restart(name, env = {}) {
      const base = serviceEnv.get(name);
      if (!base) throw new Error(`${name} is not a service of this stack`);
      const old = processes.get(name);
      if (old && old.exitCode === null && old.signalCode === null) {
        const exited = new Promise((resolve) => old.once("exit", resolve));
        old.kill("SIGKILL");
        await exited;
      }
      launch(name, process.execPath, [path.join(root, "services", name, "dist", "main.js")], { ...base, ...env });
      await waitFor(async () => (await fetch(`${local(Number(base.PORT))}/health/live`).catch(() => undefined))?.status === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: `${name} to answer again after its restart (log in ${logDir})`,
      });
    },
    stop,
  };
}
