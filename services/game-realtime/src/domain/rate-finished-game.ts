import type { GameRecord } from "./game";
import { rateGame, type RatingChange } from "./player-rating";
import type { LockedRatings } from "./rating-store.port";

/**
 * Rates a game that has just finished, in the transaction that finished it (win, draw,
 * resignation or forfeit alike). Once per game: `claim` refuses a game already rated, so a replay
 * or a second instance changes nothing. Undefined when nothing was rated (a game without a
 * second player, or one already rated).
 */
export async function rateFinishedGame(ratings: LockedRatings, game: GameRecord): Promise<RatingChange | undefined> {
  if (game.status !== "finished" || game.result === null || game.player2Id === null) return undefined;
  const [before1, before2] = await ratings.lock([game.player1Id, game.player2Id]);
  const [after1, after2] = rateGame(before1, before2, game.result);
  const change = { player1: Math.round(after1.rating - before1.rating), player2: Math.round(after2.rating - before2.rating) };
  if (!(await ratings.claim(game.id, change))) return undefined;
  await ratings.save([after1, after2]);
  return change;
}
