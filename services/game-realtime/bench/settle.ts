/**
 * What bench/game.ts does between the saturated and the paced phase, for every server alike and
 * outside both windows: each pair finishes the game it is in, starts its next one and plays its
 * first k moves, k spread evenly over 0…41 across the pairs, as fast as the server answers; then
 * the server gets a moment of quiet before the paced window opens.
 *
 * Why: the saturated phase leaves every pair near the end of a game (41 of 42 moves on average,
 * 2026-12-01), so a paced phase started right after it began with 879 of 1,000 games ending and
 * 879 starting within seconds, and its p99 (1,041 ms against Colyseus's 72) measured that burst.
 * In steady play the pairs are at every point of their games: 1,000 pairs at one move each every
 * 2 s finish and start about 12 games a second, evenly. The paced window keeps those (its starts
 * are counted), and only those.
 */
import { sleep } from "./children";
import type { Pair } from "./play";
import { FULL_BOARD_DRAW } from "../test/connect-four.fixtures";

/** Quiet between the last settling move and the paced window (finished games' after-work, GC). */
const QUIET_MS = 1_000;
const GAME_MOVES = FULL_BOARD_DRAW.length;

/** Sends the pair's next move and resolves once the opponent (who moves next) has the change. */
function oneMove(pair: Pair): Promise<void> {
  const gameId = pair.games[pair.current] ?? "";
  const seq = pair.version;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`settling: move ${seq} of ${gameId} unanswered in 30 s`)), 30_000);
    pair.onChange = (changed, version, index) => {
      if (changed !== gameId || version % 2 !== index || version <= pair.version) return;
      clearTimeout(timer);
      pair.version = version;
      resolve();
    };
    pair.players[seq % 2]?.move(gameId, seq, FULL_BOARD_DRAW[seq] ?? 0);
  });
}

/** Prepared games the pair has after its current one, added (`Pair.addGame`) until there are `ahead`. */
async function prepare(pair: Pair, ahead: number): Promise<void> {
  while (pair.games.length - 1 - pair.current < ahead) {
    if (!pair.addGame) throw new Error("settling: a pair ran out of games and cannot add one");
    await pair.addGame();
  }
}

export interface Settled {
  /** Moves played to finish the games the saturated phase left unfinished. */
  finishing: number;
  /** Fresh games started. */
  started: number;
  /** Moves played into the fresh games, to spread the pairs over a game's moves. */
  spreading: number;
  seconds: number;
}

/**
 * Moves every pair to a fresh game at its own point (pair i of n at move ⌊42·i/n⌋, the same for
 * every server), with as many games prepared after it as `windowMoves` more moves can use, so the
 * paced window starts its next games as steady play does, and does not run out.
 */
export async function settle(pairs: Pair[], windowMoves: number): Promise<Settled> {
  const began = Date.now();
  const counts = { finishing: 0, started: 0, spreading: 0 };
  await Promise.all(
    pairs.map(async (pair, i) => {
      const offset = Math.floor((GAME_MOVES * i) / pairs.length);
      for (; pair.version > 0 && pair.version < GAME_MOVES; counts.finishing++) await oneMove(pair);
      if (pair.version > 0) {
        await prepare(pair, 1);
        pair.current++;
        pair.version = 0;
        await pair.startGame?.(pair.current);
        counts.started++;
      }
      for (; pair.version < offset; counts.spreading++) await oneMove(pair);
      await prepare(pair, Math.floor((offset + windowMoves) / GAME_MOVES));
      pair.onChange = undefined;
    }),
  );
  const settled = { ...counts, seconds: (Date.now() - began) / 1_000 };
  process.stdout.write(
    `  settled before the paced window (not measured): ${settled.finishing} moves finished ${settled.started} games, ${settled.started} fresh games started, ` +
      `${settled.spreading} moves spread the pairs over a game's ${GAME_MOVES} moves, in ${settled.seconds.toFixed(1)} s; ${QUIET_MS} ms of quiet\n`,
  );
  await sleep(QUIET_MS);
  return settled;
}
