import type { GameRecord } from "./game";
import type { GameStore, LockedGame } from "./game-store.port";

/**
 * The game that keeps a player from starting another: an active game of theirs, or a waiting game
 * they created (`except` aside). One player, one game: a player in two active games (an invitation
 * joined while a match was made) could only lose one of them on time.
 */
export async function currentGameOf(store: Pick<GameStore, "listForPlayer">, userId: string, except?: string): Promise<GameRecord | undefined> {
  const [active, waiting] = await Promise.all([store.listForPlayer(userId, "active"), store.listForPlayer(userId, "waiting")]);
  return [...active, ...waiting.filter((game) => game.player1Id === userId)].find((game) => game.id !== except);
}

const belongsTo = (userId: string) => (game: GameRecord) => game.player1Id === userId || game.player2Id === userId || game.invitedUserId === userId;

/** Each player's active game other than `except` (undefined when none), read at once. */
export async function otherActiveGamesOf(
  store: Pick<LockedGame, "listForPlayers">,
  userIds: readonly string[],
  except: string,
): Promise<(GameRecord | undefined)[]> {
  const active = (await store.listForPlayers(userIds, "active")).filter((game) => game.id !== except);
  return userIds.map((userId) => active.find(belongsTo(userId)));
}
