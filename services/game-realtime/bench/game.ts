/**
 * Load test of /ws/game beside its peer, Colyseus, and a bare `ws` relay (the floor), in one run,
 * one server at a time, each freshly started as a child of this process (which plays the auth
 * service — RS256 key + JWKS — and all the clients):
 *   0. IDLE idle connections on the fresh server: RSS growth per connection.
 *   1. GAMES concurrent pairs (2 × GAMES sockets), each playing moves as fast as the opponent's
 *      change arrives, for SECONDS: action → opponent p50/p99, moves/s; then, once every pair is
 *      in a fresh game at its own point of it (bench/settle.ts, not measured), one move per pair
 *      every PACE_MS for SECONDS (steady play below saturation).
 * Servers: game-realtime (src/main.ts: authenticates, referees, persists every move, fans out
 * through Redis; each pair has ROUNDS games created before the clock starts, and since nobody
 * plays two active games, the second player takes the seat of each next one once the previous
 * game is over, outside the move latencies); Colyseus
 * 0.16 (bench/colyseus-server.ts: a room refereed by the same rules module, schema state patched
 * after every move, nothing persisted); the bare relay (bench/bare-relay.ts: passes frames on,
 * once to both players and once to the opponent only). The service's figures are printed as
 * ratios to Colyseus's, with the goals beside them, and to the relay's.
 *
 *   npm run bench -w @tollgate/game-realtime-service   (GAMES=1000 SECONDS=10 PACE_MS=2000 IDLE=10000 ROUNDS=4)
 *   BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers.
 *   SERVERS=game-realtime runs only the service (no ratios), for quick iterations.
 */
import { stop } from "./children";
import { colyseusIdleCost, setUpColyseus, startColyseus } from "./colyseus-players";
import { loadAverage, play, summarise, type Pair, type Summary } from "./play";
import { settle } from "./settle";
import { relayIdleCost, setUpRelay, startRelay } from "./relay-players";
import { batchCounters, removeGraceKeys, reportBatches, serviceIdleCost, setUpService, startService } from "./service-players";

const GAMES = Number(process.env.GAMES ?? 1_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const IDLE = Number(process.env.IDLE ?? 10_000);
const PACE_MS = Number(process.env.PACE_MS ?? 2_000);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SERVICE_PORT = Number(process.env.SERVICE_PORT ?? 3944);
const RELAY_PORT = Number(process.env.RELAY_PORT ?? 3945);
const COLYSEUS_PORT = Number(process.env.COLYSEUS_PORT ?? 3946);
/** Which servers to run (comma list of game-realtime, colyseus, relay); all three, and the ratios, by default. */
const SERVERS = new Set((process.env.SERVERS ?? "game-realtime,colyseus,relay").split(",").map((name) => name.trim()));

interface Figures {
  idleKb: number;
  saturated: Summary;
  paced: Summary;
}

const closeAll = (pairs: Pair[]) => {
  for (const pair of pairs) for (const player of pair.players) player.close();
};

const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)} ×`;

async function phases(name: string, pairs: Pair[], pid: number, around: (run: () => Promise<Summary>) => Promise<Summary> = (run) => run()): Promise<Omit<Figures, "idleKb">> {
  const processes = { server: pid, generator: process.pid };
  const saturated = await around(async () => summarise(`${name}, saturated`, await play(pairs, SECONDS, 0, processes)));
  await settle(pairs, Math.ceil((SECONDS * 1_000) / PACE_MS) + 1);
  const paced = await around(async () => summarise(`${name}, one move per pair every ${PACE_MS} ms`, await play(pairs, SECONDS, PACE_MS, processes)));
  return { saturated, paced };
}

async function runService(): Promise<Figures> {
  const { child, jwks } = await startService(SERVICE_PORT);
  try {
    const idleKb = await serviceIdleCost(SERVICE_PORT, child.pid ?? 0, IDLE);
    const pairs = await setUpService(`http://127.0.0.1:${SERVICE_PORT}`, GAMES, ROUNDS);
    const withBatches = async (run: () => Promise<Summary>) => {
      const before = await batchCounters(SERVICE_PORT);
      const summary = await run();
      reportBatches(before, await batchCounters(SERVICE_PORT));
      return summary;
    };
    const figures = await phases("game-realtime", pairs, child.pid ?? 0, withBatches);
    // The next server gets the machine to itself: the service stops first (its shutdown work and
    // grace sweeps would otherwise run during the next phases).
    await stop(child);
    closeAll(pairs);
    await removeGraceKeys();
    return { idleKb, ...figures };
  } finally {
    await stop(child);
    jwks.close();
  }
}

async function runColyseus(): Promise<Figures> {
  const child = await startColyseus(COLYSEUS_PORT);
  try {
    const idleKb = await colyseusIdleCost(COLYSEUS_PORT, child.pid ?? 0, IDLE);
    const pairs = await setUpColyseus(COLYSEUS_PORT, GAMES);
    const figures = await phases("colyseus", pairs, child.pid ?? 0);
    closeAll(pairs);
    return { idleKb, ...figures };
  } finally {
    await stop(child);
  }
}

async function runRelay(): Promise<Record<"both" | "opponent", Figures>> {
  const child = await startRelay(RELAY_PORT);
  try {
    const idleKb = await relayIdleCost(RELAY_PORT, child.pid ?? 0, IDLE);
    const out = {} as Record<"both" | "opponent", Figures>;
    for (const to of ["both", "opponent"] as const) {
      const pairs = await setUpRelay(RELAY_PORT, GAMES, to);
      out[to] = { idleKb, ...(await phases(`bare ws relay (to ${to})`, pairs, child.pid ?? 0)) };
      closeAll(pairs);
    }
    return out;
  } finally {
    await stop(child);
  }
}

function report(ours: Figures, peer: Figures, relay: Record<"both" | "opponent", Figures>): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const verdict = (met: boolean) => (met ? "met" : "MISSED");
  const p99Gap = ours.paced.p99 - peer.paced.p99;
  out(`game-realtime ÷ Colyseus (load now ${loadAverage()}):`);
  out(`  saturated moves/s:       ${ratio(ours.saturated.rate, peer.saturated.rate)} (${ours.saturated.rate.toFixed(0)} vs ${peer.saturated.rate.toFixed(0)}; goal ≥ 1.00 × while persisting every move: ${verdict(ours.saturated.rate >= peer.saturated.rate)})`);
  out(`  paced p99:               ${ratio(ours.paced.p99, peer.paced.p99)} = ${p99Gap >= 0 ? "+" : ""}${p99Gap.toFixed(2)} ms (${ours.paced.p99.toFixed(2)} vs ${peer.paced.p99.toFixed(2)} ms; goal ≤ +5 ms: ${verdict(p99Gap <= 5)})`);
  out(`  KB per idle connection:  ${ratio(ours.idleKb, peer.idleKb)} (${ours.idleKb.toFixed(2)} vs ${peer.idleKb.toFixed(2)} KB; no goal set: ours authenticates each socket, Colyseus's is a player waiting in a room)`);
  out(`  paced p50:               ${ratio(ours.paced.p50, peer.paced.p50)}; saturated p99: ${ratio(ours.saturated.p99, peer.saturated.p99)}`);
  out(`  server CPU per move, saturated: ${ratio(ours.saturated.serverCpuPerMove, peer.saturated.serverCpuPerMove)} (${ours.saturated.serverCpuPerMove.toFixed(0)} vs ${peer.saturated.serverCpuPerMove.toFixed(0)} µs)`);
  out(`game-realtime ÷ bare relay (relay sending to both players | to the opponent only):`);
  const both = relay.both;
  const opponent = relay.opponent;
  out(`  saturated moves/s: ${ratio(ours.saturated.rate, both.saturated.rate)} | ${ratio(ours.saturated.rate, opponent.saturated.rate)}`);
  out(`  saturated p99:     ${ratio(ours.saturated.p99, both.saturated.p99)} | ${ratio(ours.saturated.p99, opponent.saturated.p99)}`);
  out(`  paced p50:         ${ratio(ours.paced.p50, both.paced.p50)} | ${ratio(ours.paced.p50, opponent.paced.p50)}`);
  out(`  paced p99:         ${ratio(ours.paced.p99, both.paced.p99)} | ${ratio(ours.paced.p99, opponent.paced.p99)}`);
  out(`  KB per idle connection: ${ratio(ours.idleKb, both.idleKb)} (relay ${both.idleKb.toFixed(2)} KB)`);
  out(`  server CPU per move, saturated: ${ratio(ours.saturated.serverCpuPerMove, both.saturated.serverCpuPerMove)} | ${ratio(ours.saturated.serverCpuPerMove, opponent.saturated.serverCpuPerMove)}`);
  // The generator is one thread and reads every change: even a server that cost nothing could not
  // move faster than the generator can read its answers (Colyseus's client decodes schema patches).
  for (const [name, figures] of [["game-realtime", ours], ["colyseus", peer]] as const) {
    const ceiling = 1e6 / figures.saturated.generatorCpuPerMove;
    out(`  ceiling of this generator on ${name}: ${figures.saturated.generatorCpuPerMove.toFixed(0)} µs of its CPU per move → at most ${ceiling.toFixed(0)} moves/s`);
  }
}

async function main(): Promise<void> {
  process.stdout.write(`game bench ${new Date().toISOString()}: ${GAMES} pairs, ${SECONDS} s per phase, ${IDLE} idle connections; load average ${loadAverage()}\n`);
  const ours = SERVERS.has("game-realtime") ? await runService() : undefined;
  const peer = SERVERS.has("colyseus") ? await runColyseus() : undefined;
  const relay = SERVERS.has("relay") ? await runRelay() : undefined;
  if (ours && peer && relay) report(ours, peer, relay);
}

main().then(
  () => setTimeout(() => process.exit(0), 2_000),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
