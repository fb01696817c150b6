/**
 * The client side of bench/game.ts, the same for the service, the Colyseus room and the bare
 * relay: pairs of players play Connect Four games (the 42-move draw), each move sent by the player
 * to move (a `game:action` to the service and the relay, a `move` message to the room); a round
 * trip ends when the opponent (who moves next) receives the change. A finished game is followed
 * by the pair's next one, so a pair never runs out of moves mid-phase. Between the saturated and
 * the paced phase, bench/settle.ts moves every pair to a fresh game (see there).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import type { WebSocket } from "ws";
import { FULL_BOARD_DRAW } from "../test/connect-four.fixtures";

/** One player's connection, whatever the server: sends a move, and is closed after the phases. */
export interface PlayerLink {
  move(gameId: string, seq: number, column: number): void;
  close(): void;
}

/** A `ws` socket speaking the service's protocol (`game:action`); the relay passes the same frame on. */
export const wsPlayer = (ws: WebSocket): PlayerLink => ({
  move: (gameId, seq, column) => ws.send(JSON.stringify({ type: "game:action", game_id: gameId, seq, action: { column } })),
  close: () => ws.terminate(),
});

export interface Pair {
  players: readonly [PlayerLink, PlayerLink];
  /** The games this pair plays, in order; the first already joined by both sockets. */
  games: string[];
  /**
   * Readies game `index` once the pair has finished the one before (the service: waits for the
   * draw's `game:over` on both sockets, then takes the second seat, since nobody plays two active
   * games); undefined when the next game needs nothing. Its time is outside every move's latency.
   */
  startGame: ((index: number) => Promise<void>) | undefined;
  /** Prepares one more game at the end of `games` (outside every window; undefined when games cost nothing). */
  addGame: (() => Promise<void>) | undefined;
  /** Index of the game the pair is in: started, and `version` moves into it. */
  current: number;
  /** Version of the current game both players have reached. */
  version: number;
  onChange: ((gameId: string, version: number, index: 0 | 1) => void) | undefined;
}

export interface PhaseResult {
  moves: number;
  seconds: number;
  latencies: number[];
  /** Pairs that ran out of prepared games before the phase ended (the figure is then a lower bound). */
  exhausted: number;
  /** Games finished inside the phase whose pair went on to its next game (every server). */
  nextGames: number;
  /** Time each next game took to start (`Pair.startGame`, the service only), in ms: inside the phase, outside the latencies. */
  gameStarts: number[];
  pairs: number;
  load: string;
  cpu: CpuUse;
}

export const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

/** CPU seconds a process has used (user + system), from /proc; clock ticks are 1/100 s on Linux. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** Busy and total jiffies of the whole machine, from /proc/stat. */
const machineTicks = (): { busy: number; total: number } => {
  const values = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
};

export interface CpuUse {
  /** CPU seconds each named process used during the phase. */
  seconds: Record<string, number>;
  text: string;
}

/**
 * Where the CPU went during a phase: each named process as a share of one core, and the whole
 * machine's busy share (all cores; other people's work included).
 */
export function cpuMeter(processes: Record<string, number>): () => CpuUse {
  const start = Date.now();
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const machine = machineTicks();
  return () => {
    const elapsed = (Date.now() - start) / 1_000;
    const seconds = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid) - (before[name] ?? 0)]));
    const used = Object.entries(seconds).map(([name, cpu]) => `${name} ${((100 * cpu) / elapsed).toFixed(0)}%`);
    const now = machineTicks();
    const busy = (100 * (now.busy - machine.busy)) / Math.max(1, now.total - machine.total);
    return { seconds, text: `cpu: ${used.join(", ")} of a core; machine ${busy.toFixed(0)}% busy` };
  };
}

export function makePair(players: readonly [PlayerLink, PlayerLink], games: string[], hooks: Pick<Partial<Pair>, "startGame" | "addGame"> = {}): Pair {
  return { players, games, startGame: hooks.startGame, addGame: hooks.addGame, current: 0, version: 0, onChange: undefined };
}

/**
 * Every pair plays its next move as soon as the opponent has the previous change (paceMs 0: the
 * server's saturation throughput), or one move every paceMs (latency below saturation).
 */
export async function play(pairs: Pair[], seconds: number, paceMs: number, processes: Record<string, number>): Promise<PhaseResult> {
  const meter = cpuMeter(processes);
  const latencies: number[] = [];
  let moves = 0;
  let exhausted = 0;
  let nextGames = 0;
  const gameStarts: number[] = [];
  const begin = Date.now();
  const endAt = begin + seconds * 1_000;
  await Promise.all(
    pairs.map(
      (pair) =>
        new Promise<void>((resolve, reject) => {
          let sentAt = 0;
          let pending = false;
          const move = () => {
            // A phase ends for a pair once its last move has arrived, so no move spills into the next phase.
            if (Date.now() > endAt) return pending ? undefined : resolve();
            if (pair.version >= FULL_BOARD_DRAW.length) {
              // A pair out of prepared games stays on its finished one (settle.ts adds the next).
              if (pair.games[pair.current + 1] === undefined) {
                exhausted++;
                return resolve();
              }
              pair.current++;
              pair.version = 0;
              nextGames++;
              if (pair.startGame) {
                // The next game's first move is sent once it has started: the start is not a move's latency.
                const began = performance.now();
                pair.startGame(pair.current).then(() => {
                  gameStarts.push(performance.now() - began);
                  move();
                }, reject);
                return;
              }
            }
            const gameId = pair.games[pair.current] ?? "";
            pending = true;
            sentAt = performance.now();
            const seq = pair.version;
            pair.players[seq % 2]?.move(gameId, seq, FULL_BOARD_DRAW[seq] ?? 0);
          };
          pair.onChange = (gameId, version, index) => {
            // The player who moves next (the mover's opponent) seeing the new version ends one round trip.
            if (gameId !== pair.games[pair.current] || version % 2 !== index || version <= pair.version) return;
            pending = false;
            latencies.push(performance.now() - sentAt);
            moves++;
            pair.version = version;
            if (paceMs === 0) move();
            else setTimeout(move, Math.max(0, paceMs - (performance.now() - sentAt)));
          };
          setTimeout(move, paceMs === 0 ? 0 : Math.random() * paceMs);
        }),
    ),
  );
  return { moves, seconds: (Date.now() - begin) / 1_000, latencies, exhausted, nextGames, gameStarts, pairs: pairs.length, load: loadAverage(), cpu: meter() };
}

export interface Summary {
  rate: number;
  p50: number;
  p99: number;
  /** CPU time of the server process (service or relay) per move, in µs: comparable under load from others. */
  serverCpuPerMove: number;
  /** CPU time of this (single-threaded) load generator per move, in µs. */
  generatorCpuPerMove: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export function summarise(name: string, result: PhaseResult): Summary {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const [server = 0, generator = 0] = Object.values(result.cpu.seconds);
  const perMove = (cpu: number) => (1e6 * cpu) / Math.max(1, result.moves);
  const summary = { rate: result.moves / result.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), serverCpuPerMove: perMove(server), generatorCpuPerMove: perMove(generator) };
  process.stdout.write(
    `${name}: ${result.moves} moves in ${result.seconds.toFixed(1)} s = ${summary.rate.toFixed(0)} moves/s; ` +
      `action → opponent p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms (load ${result.load})\n` +
      `  ${result.cpu.text}; per move: server ${perMove(server).toFixed(0)} µs, generator ${perMove(generator).toFixed(0)} µs of CPU\n`,
  );
  const starts = [...result.gameStarts].sort((a, b) => a - b);
  // Pairs starting a game send no move meanwhile: their share of the phase's pair-time.
  const idle = (100 * starts.reduce((sum, ms) => sum + ms, 0)) / (1_000 * result.seconds * Math.max(1, result.pairs));
  process.stdout.write(
    `  ${result.moves} moves measured; ${result.nextGames} games finished and the next begun inside the window` +
      (starts.length === 0
        ? "\n"
        : `; starting them (game:over seen, second seat taken) took p50 ${percentile(starts, 50).toFixed(2)} ms, p99 ${percentile(starts, 99).toFixed(2)} ms, ` +
          `outside the latencies above, ${idle.toFixed(1)} % of the pairs' time\n`),
  );
  if (result.exhausted > 0) process.stdout.write(`  ${result.exhausted} pairs ran out of games: raise ROUNDS; this rate is a lower bound\n`);
  return summary;
}
