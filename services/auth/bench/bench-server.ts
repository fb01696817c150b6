/**
 * The server half of the login storm (forked by login-storm.ts): the real app with production
 * argon2 cost, plus a raw argon2 verify measurement in the same process, and the event-loop delay
 * during the storm. Talks to its parent over IPC.
 */
import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { topics } from "@tollgate/contracts";
import { createLogger, createRedis, listen, namespacedTopic, openDatabase, parseConfig } from "@tollgate/service-kit";
import argon2 from "argon2";
import { createApp, createTokenSigner, createUseCases } from "../src/app";
import { authEnvSchema } from "../src/config";
import { ZxcvbnStrengthEstimator } from "../src/data/zxcvbn-strength.estimator";
import { authMigrations } from "../src/migrations";

type Message = { kind: "raw"; seconds: number; concurrency: number } | { kind: "storm-reset" | "storm-start" | "storm-pause" | "storm-end" | "stop" };

async function main(): Promise<void> {
  const config = parseConfig(authEnvSchema, process.env);
  const logger = createLogger({ service: "auth-bench", level: "error" });
  const knex = await openDatabase({ url: config.DATABASE_URL, logger, pool: { max: 20 }, migrations: authMigrations });
  await createTokenSigner(knex, config).ensureKey();
  const redis = createRedis({ url: config.REDIS_URL, profile: "store", logger, name: "auth-bench" });
  const useCases = createUseCases({ knex, redis, logger, passwordStrength: new ZxcvbnStrengthEstimator() }, { config, authEventsTopic: namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents) });
  const app = createApp({ logger, knex, redis, useCases, trustProxy: config.TRUST_PROXY, bodyLimit: config.HTTP_BODY_LIMIT });
  const server = createServer(app);
  const port = await listen(server, 0, "127.0.0.1");
  // One monitor per storm phase (one re-enabled after a pause would count the pause as delay);
  // the figures reported are the worst phase's.
  const phases: { p50Ms: number; p99Ms: number; maxMs: number }[] = [];
  let phase: IntervalHistogram | undefined;
  // CPU time of the whole process (every thread, argon2's included): unlike wall-clock rates it
  // does not move with whatever else runs on the machine.
  let stormCpuBefore = process.cpuUsage();
  // CPU of the other processes a login runs through (they share the same cores as argon2): this
  // database's Postgres backends (from /proc, Linux only) and the Redis server (INFO, whole server).
  const backendCpuMs = async (): Promise<Map<number, number>> => {
    const { rows } = (await knex.raw("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) as { rows: { pid: number }[] };
    const ticks = new Map<number, number>();
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
      const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields) ticks.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
    return ticks;
  };
  const redisCpuMs = async (): Promise<number> => {
    const info = await redis.info("cpu");
    const read = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return (read("used_cpu_user") + read("used_cpu_sys")) * 1000;
  };
  let othersBefore = { postgres: new Map<number, number>(), redis: 0 };
  // The same CPU split by thread (Linux, 10 ms ticks): the main thread (JavaScript, socket I/O)
  // and every other one (argon2 and signatures on libuv's pool, V8's GC helpers, the zxcvbn worker).
  const threadCpuMs = async (): Promise<{ main: number; others: number }> => {
    let main = 0;
    let others = 0;
    for (const tid of await readdir("/proc/self/task")) {
      const stat = await readFile(`/proc/self/task/${tid}/stat`, "utf8").catch(() => undefined);
      const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = fields ? (Number(fields[11]) + Number(fields[12])) * 10 : 0;
      if (Number(tid) === process.pid) main += ms;
      else others += ms;
    }
    return { main, others };
  };
  const threadCpuSince = async (before: { main: number; others: number }) => {
    const now = await threadCpuMs();
    return { mainCpuMs: now.main - before.main, otherThreadsCpuMs: now.others - before.others };
  };
  let stormThreadsBefore = { main: 0, others: 0 };
  const send = (message: unknown) => process.send?.(message);

  process.on("message", (message: Message) => {
    void (async () => {
      if (message.kind === "raw") {
        const hash = await argon2.hash("bench password for raw verifies", { type: argon2.argon2id, memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM });
        // The storm phase samples the event loop with a 10 ms timer, which costs about 5 ms of CPU a
        // second on its own (100 wakeups): the raw phase runs the same timer, so the CPU per login
        // and per raw verify carry it alike (its figures are not reported).
        const monitor = monitorEventLoopDelay({ resolution: 10 });
        monitor.enable();
        const threadsBefore = await threadCpuMs();
        const cpuBefore = process.cpuUsage();
        const startedAt = Date.now();
        const deadline = startedAt + message.seconds * 1000;
        let count = 0;
        await Promise.all(
          Array.from({ length: message.concurrency }, async () => {
            while (Date.now() < deadline) {
              await argon2.verify(hash, "bench password for raw verifies");
              count++;
            }
          }),
        );
        const cpu = process.cpuUsage(cpuBefore);
        monitor.disable();
        // Verifies started before the deadline finish after it: divide by the time actually taken.
        send({ kind: "raw", perSecond: count / ((Date.now() - startedAt) / 1000), count, cpuMs: (cpu.user + cpu.system) / 1000, ...(await threadCpuSince(threadsBefore)) });
      } else if (message.kind === "storm-reset") {
        phases.length = 0;
        send({ kind: "storm-reset" });
      } else if (message.kind === "storm-start") {
        othersBefore = { postgres: await backendCpuMs(), redis: await redisCpuMs() };
        phase = monitorEventLoopDelay({ resolution: 10 });
        phase.enable();
        stormThreadsBefore = await threadCpuMs();
        stormCpuBefore = process.cpuUsage();
        send({ kind: "storm-started" });
      } else if (message.kind === "storm-pause") {
        phase?.disable();
        if (phase) phases.push({ p50Ms: phase.percentile(50) / 1e6, p99Ms: phase.percentile(99) / 1e6, maxMs: phase.max / 1e6 });
        phase = undefined;
        const cpu = process.cpuUsage(stormCpuBefore);
        const threads = await threadCpuSince(stormThreadsBefore);
        let postgresMs = 0;
        for (const [pid, ms] of await backendCpuMs()) postgresMs += ms - (othersBefore.postgres.get(pid) ?? 0);
        send({ kind: "storm-paused", cpuMs: (cpu.user + cpu.system) / 1000, ...threads, postgresCpuMs: postgresMs, redisCpuMs: (await redisCpuMs()) - othersBefore.redis });
      } else if (message.kind === "storm-end") {
        const worst = (key: "p50Ms" | "p99Ms" | "maxMs") => Math.max(...phases.map((entry) => entry[key]));
        send({ kind: "loop", p50Ms: worst("p50Ms"), p99Ms: worst("p99Ms"), maxMs: worst("maxMs") });
      } else {
        server.closeAllConnections();
        server.close();
        await redis.quit();
        await knex.destroy();
        process.exit(0);
      }
    })();
  });
  // The bench's process is gone (Ctrl-C, a kill, a crash) when its IPC channel closes: stop too,
  // rather than keep the port, Postgres connections and Redis client of an orphan.
  process.on("disconnect", () => process.exit(0));
  send({ kind: "ready", port, argon2Concurrency: config.ARGON2_MAX_CONCURRENCY });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${String(error)}\n`);
  process.exit(1);
});
