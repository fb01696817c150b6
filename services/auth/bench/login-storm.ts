/**
 * Login storm benchmark (not a test): logins per second through the HTTP endpoint against raw
 * argon2 verifies per second in the same server process, at production argon2 cost, and the
 * server's event-loop delay during the storm.
 *
 *   npm run bench -w @tollgate/auth-service -- [--seconds 15] [--clients 8] [--users 16]
 *
 * Needs Postgres and Redis (DATABASE_URL defaults to the local tollgate_auth_bench database).
 * Throttling stays on: every login succeeds, so it never trips.
 */
import { fork } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const seconds = arg("seconds", 15);
const clients = arg("clients", 8);
const userCount = arg("users", 16);
const threadpool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

type Reply = { kind: string; [key: string]: unknown };

async function main(): Promise<void> {
  const env = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/tollgate_auth_bench",
    SERVICE_CLIENTS: `bench:${createHash("sha256").update(randomBytes(16)).digest("hex")}:bench`,
    KAFKA_TOPIC_NAMESPACE: "bench",
  };
  const child = fork(path.join(__dirname, "bench-server.ts"), [], { env, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const replies: Reply[] = [];
  const waiters: ((reply: Reply) => void)[] = [];
  child.on("message", (reply: Reply) => {
    const waiter = waiters.shift();
    if (waiter) waiter(reply);
    else replies.push(reply);
  });
  const next = () => new Promise<Reply>((resolve) => (replies.length > 0 ? resolve(replies.shift() as Reply) : waiters.push(resolve)));

  const ready = await next();
  const base = `http://127.0.0.1:${String(ready.port)}`;
  const users = await Promise.all(
    Array.from({ length: userCount }, async (_, i) => {
      const id = `${Date.now().toString(36)}${i}${randomBytes(3).toString("hex")}`;
      const account = { email: `bench.${id}@example.test`, username: `bench_${id}`.slice(0, 32), password: `bench-pass-${randomBytes(8).toString("hex")}` };
      const response = await fetch(`${base}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(account) });
      if (response.status !== 201) throw new Error(`register answered ${response.status}`);
      return account;
    }),
  );

  child.send({ kind: "raw", seconds, concurrency: threadpool });
  const raw = await next();

  child.send({ kind: "storm-start" });
  await next();
  const deadline = Date.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; Date.now() < deadline; i += clients) {
        const user = users[i % users.length] as (typeof users)[number];
        const response = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: user.email, password: user.password }) });
        await response.arrayBuffer();
        if (response.status === 200) ok++;
        else failed++;
      }
    }),
  );
  child.send({ kind: "storm-end" });
  const loop = await next();
  // Raw verifies again after the storm: the machine may be shared, so the baseline brackets the storm.
  child.send({ kind: "raw", seconds, concurrency: threadpool });
  const rawAfter = await next();
  child.send({ kind: "stop" });

  const rawPerSecond = (Number(raw.perSecond) + Number(rawAfter.perSecond)) / 2;
  const loginsPerSecond = ok / seconds;
  const figures = {
    argon2: "m=19456 KiB, t=2, p=1",
    threadpool,
    clients,
    seconds,
    raw_verifies_per_second: round(rawPerSecond),
    raw_verifies_per_second_before_and_after: [round(Number(raw.perSecond)), round(Number(rawAfter.perSecond))],
    http_logins_per_second: round(loginsPerSecond),
    ratio: round(loginsPerSecond / rawPerSecond),
    failed_logins: failed,
    event_loop_delay_p50_ms: round(Number(loop.p50Ms)),
    event_loop_delay_p99_ms: round(Number(loop.p99Ms)),
    event_loop_delay_max_ms: round(Number(loop.maxMs)),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
