/**
 * Load test of /ws/game against a bare `ws` relay, in one run:
 *   0. IDLE authenticated idle sockets on a freshly started service: RSS growth per connection.
 *   1. GAMES concurrent pairs (2 × GAMES sockets) on our service, each playing moves as fast as
 *      the opponent's `game:state` arrives, for SECONDS: action → opponent state p50/p99, moves/s;
 *      then one move per pair every PACE_MS (latency below saturation). Each pair has ROUNDS
 *      games created and joined before the clock starts, and goes on to the next when one ends.
 *   2. The same client code against a bare relay (bench/bare-relay.ts), saturated and paced, once
 *      sending each move to both players (as the service sends game:state to both) and once to
 *      the opponent only. The service's figures are printed as ratios to these.
 * The service runs as its real entry (src/main.ts) and the relay as its own process, each a
 * child of this one, which plays the auth service (RS256 key + JWKS) and all the clients.
 *
 *   npm run bench -w @tollgate/game-realtime-service   (GAMES=1000 SECONDS=10 PACE_MS=2000 IDLE=10000 ROUNDS=5)
 *   BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles both children.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import jwt from "jsonwebtoken";
import { WebSocket } from "ws";
import { loadAverage, makePair, play, summarise, type Pair, type Summary } from "./play";

const GAMES = Number(process.env.GAMES ?? 1_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const IDLE = Number(process.env.IDLE ?? 10_000);
const PACE_MS = Number(process.env.PACE_MS ?? 2_000);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SERVICE_PORT = Number(process.env.SERVICE_PORT ?? 3944);
const RELAY_PORT = Number(process.env.RELAY_PORT ?? 3945);
const root = path.resolve(__dirname, "..");

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const kid = "bench";
const sign = (sub: string) =>
  jwt.sign({ sub, sid: randomUUID(), typ: "access", role: "user", jti: randomUUID() }, privateKey, {
    algorithm: "RS256",
    keyid: kid,
    issuer: "bench-auth",
    audience: "tollgate",
    expiresIn: 3_600,
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);

async function startChild(args: string[], env: Record<string, string>, isReady: (output: string) => Promise<boolean>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_CHILD_FLAGS ?? "").split(" ").filter(Boolean), "--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let exited: number | null | undefined;
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.once("exit", (code) => (exited = code));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if (exited !== undefined) throw new Error(`${args.join(" ")} exited with ${exited}:\n${output}`);
    if (await isReady(output).catch(() => false)) return child;
  }
  child.kill("SIGKILL");
  throw new Error(`${args.join(" ")} did not become ready:\n${output}`);
}

function open(url: string, token?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))));
  return out;
}

/** Grace deadlines the service leaves for the bench's players when it stops; removed after it has. */
const graceKeys: string[] = [];

async function setUpService(base: string): Promise<Pair[]> {
  const api = async (pathname: string, token: string) => {
    const res = await fetch(`${base}${pathname}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}" });
    if (!res.ok) throw new Error(`${pathname} answered ${res.status}`);
    return (await res.json()) as { id: string };
  };
  const wsUrl = base.replace("http", "ws") + "/ws/game";
  const pairs = await inBatches(GAMES, 50, async () => {
    const users = [randomUUID(), randomUUID()];
    const [p1, p2] = users.map(sign) as [string, string];
    const games: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const created = await api("/api/v1/games", p1);
      await api(`/api/v1/games/${created.id}/join`, p2);
      games.push(created.id);
      for (const user of users) graceKeys.push(`game:grace:${created.id}:${user}`);
    }
    const pair = makePair([await open(wsUrl, p1), await open(wsUrl, p2)], games);
    const joined = new Map<string, () => void>();
    pair.sockets.forEach((ws, index) =>
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as { type: string; game_id?: string; version?: number; code?: string };
        if (message.type === "error") process.stdout.write(`  error ${message.code}\n`);
        if (message.type !== "game:state" || message.version === undefined || message.game_id === undefined) return;
        if (message.version === 0) return joined.get(`${index}:${message.game_id}`)?.();
        pair.onChange?.(message.game_id, message.version, index as 0 | 1);
      }),
    );
    for (const gameId of games) {
      await Promise.all(
        pair.sockets.map(
          (ws, index) =>
            new Promise<void>((resolve) => {
              joined.set(`${index}:${gameId}`, resolve);
              ws.send(JSON.stringify({ type: "game:join", game_id: gameId }));
            }),
        ),
      );
    }
    return pair;
  });
  process.stdout.write(`  ${GAMES} pairs, ${GAMES * ROUNDS} games created and joined, ${GAMES * 2} sockets open\n`);
  return pairs;
}

/** The relay's pairs: the relay passes the action on, whose seq + 1 is the version it makes. */
async function setUpRelay(url: string, to: "opponent" | "both"): Promise<Pair[]> {
  const pairs = await inBatches(GAMES, 100, async (i) => {
    const pair = makePair(
      [await open(url), await open(url)],
      // Games cost the relay nothing: enough that no pair runs out, whatever the rate.
      Array.from({ length: 1_000 }, (_, round) => `${to}-${i}-${round}`),
    );
    pair.sockets.forEach((ws, index) => {
      ws.send(JSON.stringify({ join: `${to}-${i}`, to }));
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as { game_id: string; seq: number };
        pair.onChange?.(message.game_id, message.seq + 1, index as 0 | 1);
      });
    });
    return pair;
  });
  await sleep(500);
  return pairs;
}

const closeAll = (pairs: Pair[]) => {
  for (const pair of pairs) for (const ws of pair.sockets) ws.terminate();
};

const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)} ×`;

interface BatchCounters {
  statements: number;
  moves: number;
  seconds: number;
  /** Statements that committed within 100 ms and within 1 s. */
  within100ms: number;
  within1s: number;
}

/** The service's group-commit histograms (sums and counts) from /metrics. */
async function batchCounters(): Promise<BatchCounters> {
  const text = await (await fetch(`http://127.0.0.1:${SERVICE_PORT}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return {
    statements: value("game_move_batch_moves_count"),
    moves: value("game_move_batch_moves_sum"),
    seconds: value("game_move_batch_seconds_sum"),
    within100ms: value('game_move_batch_seconds_bucket\\{le="0.1"\\}'),
    within1s: value('game_move_batch_seconds_bucket\\{le="1"\\}'),
  };
}

function reportBatches(before: BatchCounters, after: BatchCounters): void {
  const statements = after.statements - before.statements;
  const moves = after.moves - before.moves;
  const ms = (1_000 * (after.seconds - before.seconds)) / Math.max(1, statements);
  const over100ms = statements - (after.within100ms - before.within100ms);
  const over1s = statements - (after.within1s - before.within1s);
  process.stdout.write(
    `  move statements: ${statements}, ${(moves / Math.max(1, statements)).toFixed(1)} moves each, ${ms.toFixed(1)} ms each to commit (mean); ${over100ms} over 100 ms, ${over1s} over 1 s\n`,
  );
}

async function servicePhase(name: string, pairs: Pair[], paceMs: number, pid: number): Promise<Summary> {
  const before = await batchCounters();
  const summary = summarise(name, await play(pairs, SECONDS, paceMs, { service: pid, generator: process.pid }));
  reportBatches(before, await batchCounters());
  return summary;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function main(): Promise<void> {
  const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" }] };
  const jwksServer = createServer((_req, res) => res.end(JSON.stringify(jwks)));
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  const service = await startChild(
    ["src/main.ts"],
    {
      PORT: String(SERVICE_PORT),
      LOG_LEVEL: "warn",
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/tollgate_game_bench",
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
      JWT_ISSUER: "bench-auth",
      JWT_AUDIENCE: "tollgate",
      KAFKA_TOPIC_NAMESPACE: "bench",
      WS_MAX_CONNECTIONS_PER_USER: "5",
      // Bots answer within milliseconds; a person never sends 20 moves a second, bots do.
      WS_RATE_LIMIT_PER_SECOND: "1000",
      WS_RATE_LIMIT_BURST: "1000",
      KAFKAJS_NO_PARTITIONER_WARNING: "1",
      // The service's defaults unless set for the bench.
      ...Object.fromEntries(
        ["DATABASE_POOL_MAX", "MOVE_BATCH_MAX", "MOVE_BATCHES_IN_FLIGHT"].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
      ),
    },
    async () => (await fetch(`http://127.0.0.1:${SERVICE_PORT}/health/ready`)).ok,
  );
  let relay: ChildProcess | undefined;
  try {
    process.stdout.write(`game-realtime bench ${new Date().toISOString()}: ${GAMES} pairs, ${SECONDS} s per phase, ${IDLE} idle connections; load average ${loadAverage()}\n`);
    // First, on the freshly started process, so the heap the game phase grew does not hide the cost.
    await sleep(3_000);
    const before = rssKb(service.pid ?? 0);
    const wsUrl = `ws://127.0.0.1:${SERVICE_PORT}/ws/game`;
    const users = Array.from({ length: Math.ceil(IDLE / 5) }, () => sign(randomUUID()));
    const idle = await inBatches(IDLE, 200, (i) => open(wsUrl, users[Math.floor(i / 5)]));
    await sleep(5_000);
    const after = rssKb(service.pid ?? 0);
    const open_ = idle.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    process.stdout.write(`idle: ${open_} authenticated sockets open; service RSS ${(before / 1024).toFixed(0)} MB → ${(after / 1024).toFixed(0)} MB = ${((after - before) / open_).toFixed(2)} KB per idle connection\n`);
    for (const ws of idle) ws.terminate();
    await sleep(3_000);
    const games = await setUpService(`http://127.0.0.1:${SERVICE_PORT}`);
    const saturated = await servicePhase("game-realtime, saturated", games, 0, service.pid ?? 0);
    const paced = await servicePhase(`game-realtime, one move per pair every ${PACE_MS} ms`, games, PACE_MS, service.pid ?? 0);
    // The relay gets the machine to itself as the service did: the service stops first (its
    // shutdown work and grace sweeps would otherwise run during the relay's phases).
    await stop(service);
    closeAll(games);
    const redis = new Redis(process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379");
    for (let i = 0; i < graceKeys.length; i += 1_000) await redis.del(...graceKeys.slice(i, i + 1_000));
    await redis.quit();

    relay = await startChild(["bench/bare-relay.ts"], { PORT: String(RELAY_PORT) }, async (output) => output.includes("listening"));
    const relayUrl = `ws://127.0.0.1:${RELAY_PORT}`;
    const baseline: Record<"both" | "opponent", { saturated: Summary; paced: Summary }> = {} as never;
    for (const to of ["both", "opponent"] as const) {
      const pairs = await setUpRelay(relayUrl, to);
      const processes = { relay: relay.pid ?? 0, generator: process.pid };
      baseline[to] = {
        saturated: summarise(`bare ws relay (to ${to}), saturated`, await play(pairs, SECONDS, 0, processes)),
        paced: summarise(`bare ws relay (to ${to}), one move per pair every ${PACE_MS} ms`, await play(pairs, SECONDS, PACE_MS, processes)),
      };
      closeAll(pairs);
    }
    process.stdout.write(`game-realtime ÷ bare relay (relay sending to both players | to the opponent only), load now ${loadAverage()}:\n`);
    process.stdout.write(`  saturated moves/s: ${ratio(saturated.rate, baseline.both.saturated.rate)} | ${ratio(saturated.rate, baseline.opponent.saturated.rate)}\n`);
    process.stdout.write(`  saturated p99:     ${ratio(saturated.p99, baseline.both.saturated.p99)} | ${ratio(saturated.p99, baseline.opponent.saturated.p99)}\n`);
    process.stdout.write(`  paced p50:         ${ratio(paced.p50, baseline.both.paced.p50)} | ${ratio(paced.p50, baseline.opponent.paced.p50)}\n`);
    process.stdout.write(`  paced p99:         ${ratio(paced.p99, baseline.both.paced.p99)} | ${ratio(paced.p99, baseline.opponent.paced.p99)}\n`);
    process.stdout.write(
      `  server CPU per move, saturated: ${ratio(saturated.serverCpuPerMove, baseline.both.saturated.serverCpuPerMove)} | ${ratio(saturated.serverCpuPerMove, baseline.opponent.saturated.serverCpuPerMove)}\n`,
    );
    // The generator is one thread and reads every game:state (the relay passes the small action on):
    // even a service that cost nothing could not move faster than the generator can read its answers.
    const ceiling = 1e6 / saturated.generatorCpuPerMove;
    process.stdout.write(
      `  ceiling of this generator on game-realtime: ${saturated.generatorCpuPerMove.toFixed(0)} µs of its CPU per move → at most ${ceiling.toFixed(0)} moves/s = ${ratio(ceiling, baseline.both.saturated.rate)} | ${ratio(ceiling, baseline.opponent.saturated.rate)}\n`,
    );
  } finally {
    await stop(service);
    if (relay) await stop(relay);
    jwksServer.close();
  }
}

main().then(
  () => setTimeout(() => process.exit(0), 2_000),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
