import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, repoRoot, testDatabaseUrl, testInfra, uniqueName, waitFor } from "@tollgate/test-harness";

export interface E2eStack {
  gatewayUrl: string;
  logDir: string;
  processes: Map<string, ChildProcess>;
  kill(name: string): void;
  stop(): Promise<void>;
}

/**
 * Every service as its own process from its build (as ops run them), the demo upstream, and the
 * real nginx gateway rendered from infra/gateway, all on free ports, with `*_e2e_test` databases
 * and topics of their own.
 */
export async function startE2eStack(): Promise<E2eStack> {
  const root = repoRoot();
  const logDir = mkdtempSync(path.join(tmpdir(), "tollgate-e2e-"));
  const namespace = uniqueName("e2e");
  const secret = randomBytes(24).toString("hex");
  const ports = { demo: await freePort(), auth: await freePort(), token: await freePort(), proxy: await freePort(), game: await freePort(), gateway: await freePort(), health: await freePort() };
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const common = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    REDIS_URL: testInfra().redisUrl,
    KAFKA_BROKERS: testInfra().kafkaBrokers.join(","),
    KAFKA_TOPIC_NAMESPACE: namespace,
    JWT_ISSUER: "tollgate-auth",
    JWT_AUDIENCE: "tollgate",
    AUTH_JWKS_URL: `${local(ports.auth)}/.well-known/jwks.json`,
  };
  const services: { name: string; entry: string; env: Record<string, string> }[] = [
    { name: "demo-upstream", entry: "services/demo-upstream/dist/main.js", env: { PORT: String(ports.demo) } },
    {
      name: "auth",
      entry: "services/auth/dist/main.js",
      env: {
        PORT: String(ports.auth),
        DATABASE_URL: testDatabaseUrl("tollgate_auth_e2e_test"),
        SERVICE_CLIENTS: `proxy:${createHash("sha256").update(secret).digest("hex")}:tokens:validate`,
        ARGON2_MEMORY_KIB: "1024",
        ARGON2_TIME_COST: "1",
        LOGIN_IP_MAX_FAILURES: "100000",
      },
    },
    { name: "token", entry: "services/token/dist/main.js", env: { PORT: String(ports.token), DATABASE_URL: testDatabaseUrl("tollgate_token_e2e_test") } },
    {
      name: "proxy",
      entry: "services/proxy/dist/main.js",
      env: { PORT: String(ports.proxy), UPSTREAM_URL: local(ports.demo), TOKEN_SERVICE_URL: local(ports.token), AUTH_URL: local(ports.auth), SERVICE_CLIENT_ID: "proxy", SERVICE_CLIENT_SECRET: secret },
    },
    { name: "game-realtime", entry: "services/game-realtime/dist/main.js", env: { PORT: String(ports.game), DATABASE_URL: testDatabaseUrl("tollgate_game_e2e_test"), GRACE_PERIOD_MS: "5000" } },
  ];

  const processes = new Map<string, ChildProcess>();
  const launch = (name: string, command: string, args: string[], env: Record<string, string>) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    child.stdout?.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
    child.once("exit", (code) => {
      if (code !== 0 && code !== null && !stopping) process.stderr.write(`[e2e] ${name} exited with ${code}:\n${lines.join("").slice(-2_000)}\n`);
    });
    processes.set(name, child);
  };
  let stopping = false;

  for (const service of services) launch(service.name, process.execPath, [path.join(root, service.entry)], { ...common, ...service.env });

  const gatewayDir = path.join(logDir, "gateway");
  const gatewayEnv = {
    ...common,
    GATEWAY_LISTEN: `127.0.0.1:${ports.gateway}`,
    GATEWAY_MAX_BODY_SIZE: "1m",
    GATEWAY_LOGIN_RATE: "100r/s",
    GATEWAY_LOGIN_BURST: "100",
    GATEWAY_HEALTH_PORT: String(ports.health),
    GATEWAY_HEALTH_UPSTREAM: `127.0.0.1:${ports.health}`,
    GATEWAY_HEALTH_TARGETS: `auth=${local(ports.auth)},token=${local(ports.token)},proxy=${local(ports.proxy)},game-realtime=${local(ports.game)}`,
    GATEWAY_LOG_DIR: logDir,
    AUTH_UPSTREAM: `127.0.0.1:${ports.auth}`,
    TOKEN_UPSTREAM: `127.0.0.1:${ports.token}`,
    PROXY_UPSTREAM: `127.0.0.1:${ports.proxy}`,
    GAME_UPSTREAM: `127.0.0.1:${ports.game}`,
  };
  await new Promise<void>((resolve, reject) => {
    const render = spawn(process.execPath, [path.join(root, "infra/gateway/render.mjs"), gatewayDir], { env: gatewayEnv, stdio: "inherit" });
    render.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`gateway render exited ${code}`))));
  });
  launch("gateway-health", process.execPath, [path.join(root, "infra/gateway/health-aggregator.mjs")], gatewayEnv);
  launch("gateway", "nginx", ["-p", gatewayDir, "-c", path.join(gatewayDir, "nginx.conf"), "-g", "daemon off;"], gatewayEnv);

  const gatewayUrl = local(ports.gateway);
  await waitFor(
    async () => {
      const res = await fetch(`${gatewayUrl}/health`).catch(() => undefined);
      return res?.status === 200;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: "every service to be ready behind the gateway" },
  );

  return {
    gatewayUrl,
    logDir,
    processes,
    kill(name) {
      processes.get(name)?.kill("SIGKILL");
    },
    async stop() {
      stopping = true;
      await Promise.all(
        [...processes.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill(child === processes.get("gateway") ? "SIGQUIT" : "SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
            }),
        ),
      );
    },
  };
}
