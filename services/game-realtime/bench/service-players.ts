/**
 * The service's side of bench/game.ts: its process (the real entry, src/main.ts), the auth it
 * trusts (an RS256 key and a JWKS this process serves), its pairs with their games created before
 * the clock starts (each joined when the pair reaches it), and its group-commit counters.
 */
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { GameRedisKeys } from "../src/presence/redis-keys";
import jwt from "jsonwebtoken";
import { WebSocket } from "ws";
import { idleCost, inBatches, open, sleep, startChild } from "./children";
import { makePair, wsPlayer, type Pair } from "./play";

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

/** Grace deadlines the service leaves for the bench's players when it stops; removed after it has. */
const graceKeys: string[] = [];
const BENCH_REDIS_NAMESPACE = `bench-${process.pid}`;
const benchKeys = new GameRedisKeys(BENCH_REDIS_NAMESPACE);

export async function startService(port: number): Promise<{ child: ChildProcess; jwks: Server }> {
  const keys = { keys: [{ ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" }] };
  const jwks = createServer((_req, res) => res.end(JSON.stringify(keys)));
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const child = await startChild(
    ["src/main.ts"],
    {
      PORT: String(port),
      LOG_LEVEL: "warn",
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/tollgate_game_bench",
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      JWT_ISSUER: "bench-auth",
      JWT_AUDIENCE: "tollgate",
      KAFKA_TOPIC_NAMESPACE: "bench",
      // Keys of its own: on the default `game:*` its pairing pass could take the local stack's queued players.
      REDIS_KEY_NAMESPACE: BENCH_REDIS_NAMESPACE,
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
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok,
  );
  return { child, jwks };
}

/** KB per idle authenticated socket (five per user, the per-user limit the bench sets). */
export async function serviceIdleCost(port: number, pid: number, count: number): Promise<number> {
  const url = `ws://127.0.0.1:${port}/ws/game`;
  const users = Array.from({ length: Math.ceil(count / 5) }, () => sign(randomUUID()));
  return idleCost("game-realtime", pid, count, async (i) => {
    const ws = await open(url, users[Math.floor(i / 5)]);
    return { isOpen: () => ws.readyState === WebSocket.OPEN, close: () => ws.terminate() };
  });
}

interface ServerMessage {
  type: string;
  game_id?: string;
  version?: number;
  status?: string;
  reason?: string;
  code?: string;
  ref?: string;
  retry_after?: number;
}

/**
 * One bench socket of the service: hands `game:state` changes to the pair, remembers which games
 * ended (`game:over`) and lets the pair wait for a message (30 s at most).
 */
function benchSocket(ws: WebSocket, onChange: (gameId: string, version: number) => void) {
  const waiters = new Set<(message: ServerMessage) => void>();
  const overs = new Map<string, string>();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.type === "game:over" && message.game_id !== undefined) overs.set(message.game_id, message.reason ?? "unknown");
    else if (message.type === "error" && message.ref !== "game:join") process.stdout.write(`  error ${message.code}\n`);
    // Version 0 is a game joined or started, not a move.
    else if (message.type === "game:state" && message.game_id !== undefined && message.version !== undefined && message.version > 0) onChange(message.game_id, message.version);
    for (const waiter of [...waiters]) waiter(message);
  });
  const next = (what: string, test: (message: ServerMessage) => boolean, failOnJoinError = false) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const waiter = (message: ServerMessage) => {
        const failed = failOnJoinError && message.type === "error" && message.ref === "game:join";
        if (!failed && !test(message)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        if (failed) reject(Object.assign(new Error(`${what}: error ${message.code}`), { code: message.code, retryAfter: message.retry_after }));
        else resolve(message);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`${what}: nothing in 30 s`));
      }, 30_000);
      waiters.add(waiter);
    });
  const startedState = (gameId: string) => (message: ServerMessage) => message.type === "game:state" && message.game_id === gameId && message.version === 0;
  return {
    /** `game:join`, answered by the game's state at version 0 (a socket has one join in flight at a time). */
    async join(gameId: string): Promise<ServerMessage> {
      for (let attempt = 1; ; attempt++) {
        const answer = next(`game:join ${gameId}`, startedState(gameId), true);
        ws.send(JSON.stringify({ type: "game:join", game_id: gameId }));
        try {
          return await answer;
        } catch (error) {
          // A dependency's timeout on a busy machine is retried as retry_after says.
          const { code, retryAfter } = error as { code?: string; retryAfter?: number };
          if (code !== "SERVICE_UNAVAILABLE" || attempt === 5) throw error;
          await sleep(1_000 * (retryAfter ?? 1));
        }
      }
    },
    /** The state at version 0 the game's start sends to a socket already in it. */
    started: (gameId: string) => next(`start of ${gameId}`, startedState(gameId)),
    /** The reason of the game's `game:over`. */
    over: async (gameId: string) => overs.get(gameId) ?? (await next(`game:over of ${gameId}`, (message) => message.type === "game:over" && message.game_id === gameId)).reason,
  };
}

/**
 * The service's pairs. Nobody plays two active games, so a pair's ROUNDS games are created up
 * front (by the first player, who joins them all with its socket while they wait), but only the
 * first is started before the clock: the second player takes the seat of each next game over its
 * socket once both have the previous game's `game:over` (a 42-move draw), during the phases and
 * outside the move latencies (see `Pair.startGame`). Games the pair needs beyond those are created
 * the same way when bench/settle.ts asks (`Pair.addGame`), outside the windows.
 */
export async function setUpService(base: string, games: number, rounds: number): Promise<Pair[]> {
  const api = async (pathname: string, token: string) => {
    // A 503 (a dependency's command timed out on a busy machine) is retried as its Retry-After says.
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${base}${pathname}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}" });
      if (res.ok) return (await res.json()) as { id: string };
      if (res.status !== 503 || attempt === 5) throw new Error(`${pathname} answered ${res.status}`);
      await sleep(1_000 * Number(res.headers.get("retry-after") ?? 1));
    }
  };
  const wsUrl = base.replace("http", "ws") + "/ws/game";
  const pairs = await inBatches(games, 50, async () => {
    const users = [randomUUID(), randomUUID()];
    const [p1, p2] = users.map(sign) as [string, string];
    const ids: string[] = [];
    const create = async () => {
      const { id } = await api("/api/v1/games", p1);
      for (const user of users) graceKeys.push(benchKeys.grace(id, user));
      ids.push(id);
      return id;
    };
    for (let round = 0; round < rounds; round++) await create();
    await api(`/api/v1/games/${ids[0]}/join`, p2);
    const ws = [await open(wsUrl, p1), await open(wsUrl, p2)] as const;
    const pair = makePair([wsPlayer(ws[0]), wsPlayer(ws[1])], ids, { startGame: (index) => startGame(index), addGame: async () => void (await first.join(await create())) });
    const sockets = ws.map((socket, index) => benchSocket(socket, (gameId, version) => pair.onChange?.(gameId, version, index as 0 | 1)));
    const [first, second] = sockets as [(typeof sockets)[number], (typeof sockets)[number]];
    async function startGame(index: number): Promise<void> {
      const previous = ids[index - 1] ?? "";
      const gameId = ids[index] ?? "";
      // The finished game must release both players before the next one is joined (409 otherwise).
      const reasons = await Promise.all(sockets.map((socket) => socket.over(previous)));
      if (reasons.some((reason) => reason !== "draw")) throw new Error(`game ${previous} ended ${reasons.join(" / ")}, not in a draw`);
      const started = first.started(gameId);
      await Promise.all([second.join(gameId), started]);
    }
    for (const gameId of ids) await first.join(gameId);
    await second.join(ids[0] ?? "");
    return pair;
  });
  process.stdout.write(`  ${games} pairs, ${games * rounds} games created, the first of each pair joined, ${games * 2} sockets open\n`);
  return pairs;
}

/** Removes the grace deadlines the stopped service left for the bench's players. */
export async function removeGraceKeys(): Promise<void> {
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379");
  for (let i = 0; i < graceKeys.length; i += 1_000) await redis.del(...graceKeys.slice(i, i + 1_000));
  await redis.quit();
}

interface BatchCounters {
  statements: number;
  moves: number;
  seconds: number;
  /** Statements that committed within 100 ms and within 1 s. */
  within100ms: number;
  within1s: number;
}

/** The service's group-commit histograms (sums and counts) from /metrics. */
export async function batchCounters(port: number): Promise<BatchCounters> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return {
    statements: value("game_move_batch_moves_count"),
    moves: value("game_move_batch_moves_sum"),
    seconds: value("game_move_batch_seconds_sum"),
    within100ms: value('game_move_batch_seconds_bucket\\{le="0.1"\\}'),
    within1s: value('game_move_batch_seconds_bucket\\{le="1"\\}'),
  };
}

export function reportBatches(before: BatchCounters, after: BatchCounters): void {
  const statements = after.statements - before.statements;
  const moves = after.moves - before.moves;
  const ms = (1_000 * (after.seconds - before.seconds)) / Math.max(1, statements);
  const over100ms = statements - (after.within100ms - before.within100ms);
  const over1s = statements - (after.within1s - before.within1s);
  process.stdout.write(
    `  move statements: ${statements}, ${(moves / Math.max(1, statements)).toFixed(1)} moves each, ${ms.toFixed(1)} ms each to commit (mean); ${over100ms} over 100 ms, ${over1s} over 1 s\n`,
  );
}
