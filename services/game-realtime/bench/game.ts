/**
 * Load test of /ws/game against a bare `ws` relay, in one run:
 *   0. IDLE authenticated idle sockets on a freshly started service: RSS growth per connection.
 *   1. GAMES concurrent games (2 × GAMES sockets) on our service, each playing moves as fast as
 *      the opponent's `game:state` arrives, for SECONDS: action → opponent state p50/p99, moves/s;
 *      then the same games at one move per game every PACE_MS (latency below saturation).
 *   2. The same pattern on a bare relay (bench/bare-relay.ts).
 * The service runs as its real entry (src/main.ts) in a child process against the local Postgres,
 * Redis and Kafka; this process plays the auth service (RS256 key + JWKS) and all the clients.
 *
 *   npm run bench -w @tollgate/game-realtime-service       (GAMES=1000 SECONDS=10 PACE_MS=2000 IDLE=10000)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import jwt from "jsonwebtoken";
import { WebSocket } from "ws";
import { FULL_BOARD_DRAW } from "../src/domain/connect-four.fixtures";

const GAMES = Number(process.env.GAMES ?? 1_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const IDLE = Number(process.env.IDLE ?? 10_000);
const PACE_MS = Number(process.env.PACE_MS ?? 2_000);
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
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
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

interface Result {
  moves: number;
  seconds: number;
  latencies: number[];
}

interface BenchGame {
  id: string;
  sockets: readonly [WebSocket, WebSocket];
  version: number;
  onState: ((version: number, index: number) => void) | undefined;
}

async function setUpService(base: string): Promise<BenchGame[]> {
  const api = async (pathname: string, token: string) => {
    const res = await fetch(`${base}${pathname}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}" });
    if (!res.ok) throw new Error(`${pathname} answered ${res.status}`);
    return (await res.json()) as { id: string };
  };
  const wsUrl = base.replace("http", "ws") + "/ws/game";
  const games = await inBatches(GAMES, 50, async () => {
    const [p1, p2] = [sign(randomUUID()), sign(randomUUID())];
    const created = await api("/api/v1/games", p1);
    await api(`/api/v1/games/${created.id}/join`, p2);
    const game: BenchGame = { id: created.id, sockets: [await open(wsUrl, p1), await open(wsUrl, p2)], version: 0, onState: undefined };
    await Promise.all(
      game.sockets.map(
        (ws, index) =>
          new Promise<void>((joined) => {
            ws.on("message", (data) => {
              const message = JSON.parse(data.toString()) as { type: string; version?: number; code?: string };
              if (message.type === "error") process.stdout.write(`  error ${message.code}\n`);
              if (message.type !== "game:state" || message.version === undefined) return;
              if (message.version === 0) return joined();
              game.onState?.(message.version, index);
            });
            ws.send(JSON.stringify({ type: "game:join", game_id: game.id }));
          }),
      ),
    );
    return game;
  });
  process.stdout.write(`  ${GAMES} games created and joined, ${GAMES * 2} sockets open\n`);
  return games;
}

/**
 * Every game plays its next move as soon as the opponent has the previous state (paceMs 0: the
 * server's saturation throughput), or one move every paceMs per game (the latency of a loaded but
 * not saturated server).
 */
async function playService(games: BenchGame[], paceMs: number): Promise<Result> {
  const latencies: number[] = [];
  let moves = 0;
  const begin = Date.now();
  const endAt = begin + SECONDS * 1_000;
  await Promise.all(
    games.map(
      (game) =>
        new Promise<void>((resolve) => {
          let sentAt = 0;
          let pending = false;
          const move = () => {
            // A phase ends for a game once its last move has arrived, so no move spills into the next phase.
            if (Date.now() > endAt || game.version >= FULL_BOARD_DRAW.length) return pending ? undefined : resolve();
            pending = true;
            sentAt = performance.now();
            const seq = game.version;
            game.sockets[seq % 2]?.send(JSON.stringify({ type: "game:action", game_id: game.id, seq, action: { column: FULL_BOARD_DRAW[seq] } }));
          };
          game.onState = (version, index) => {
            // The player who moves next (the mover's opponent) seeing the new state ends one round trip.
            if (version % 2 !== index || version <= game.version) return;
            pending = false;
            latencies.push(performance.now() - sentAt);
            moves++;
            game.version = version;
            if (paceMs === 0) move();
            else setTimeout(move, Math.max(0, paceMs - (performance.now() - sentAt)));
          };
          setTimeout(move, paceMs === 0 ? 0 : Math.random() * paceMs);
        }),
    ),
  );
  return { moves, seconds: (Date.now() - begin) / 1_000, latencies };
}

async function benchRelay(url: string): Promise<Result> {
  const pairs = await inBatches(GAMES, 100, async (i) => {
    const sockets = [await open(url), await open(url)] as const;
    for (const ws of sockets) ws.send(JSON.stringify({ join: `g${i}` }));
    return sockets;
  });
  await sleep(500);
  const latencies: number[] = [];
  let moves = 0;
  const endAt = Date.now() + SECONDS * 1_000;
  const begin = Date.now();
  await Promise.all(
    pairs.map(
      (sockets) =>
        new Promise<void>((resolve) => {
          let sentAt = 0;
          const move = (version: number) => {
            if (Date.now() > endAt) return resolve();
            sentAt = performance.now();
            sockets[version % 2]?.send(JSON.stringify({ type: "game:action", seq: version, action: { column: FULL_BOARD_DRAW[version % 42] } }));
          };
          sockets.forEach((ws) =>
            ws.on("message", (data) => {
              const message = JSON.parse(data.toString()) as { seq: number };
              latencies.push(performance.now() - sentAt);
              moves++;
              move(message.seq + 1);
            }),
          );
          move(0);
        }),
    ),
  );
  const seconds = (Date.now() - begin) / 1_000;
  for (const sockets of pairs) for (const ws of sockets) ws.terminate();
  return { moves, seconds, latencies };
}

function report(name: string, result: Result): number {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const rate = result.moves / result.seconds;
  process.stdout.write(
    `${name}: ${result.moves} moves in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} moves/s; action → opponent state p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms\n`,
  );
  return rate;
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
      DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? "10",
    },
    async () => (await fetch(`http://127.0.0.1:${SERVICE_PORT}/health/ready`)).ok,
  );
  const relay = await startChild(["bench/bare-relay.ts"], { PORT: String(RELAY_PORT) }, async (output) => output.includes("listening"));
  try {
    process.stdout.write(`game-realtime bench: ${GAMES} games, ${SECONDS} s of play each side, ${IDLE} idle connections\n`);
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
    const ours = report("game-realtime, saturated", await playService(games, 0));
    report(`game-realtime, one move per game every ${PACE_MS} ms`, await playService(games, PACE_MS));
    for (const game of games) for (const ws of game.sockets) ws.terminate();
    const bare = report("bare ws relay, saturated", await benchRelay(`ws://127.0.0.1:${RELAY_PORT}`));
    process.stdout.write(`throughput ratio (saturated): ${(ours / bare).toFixed(2)} × the bare relay\n`);

  } finally {
    service.kill("SIGTERM");
    relay.kill("SIGTERM");
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
