import type { GameRecord } from "./game";
import type { GameStore } from "./game-store.port";

/**
 * The game that keeps a player from starting another: an active game of theirs, or a waiting game
 * they created (`except` aside). One player, one game: a player in two active games (an invitation
 * joined while a match was made) could only lose one of them on time.
 */
export async function currentGameOf(store: Pick<GameStore, "listForPlayer">, userId: string, except?: string): Promise<GameRecord | undefined> {
  const [active, waiting] = await Promise.all([store.listForPlayer(userId, "active"), store.listForPlayer(userId, "waiting")]);
  return [...active, ...waiting.filter((game) => game.player1Id === userId)].find((game) => game.id !== except);
}

/** An active game of the player's other than `except`. */
export async function otherActiveGameOf(store: Pick<GameStore, "listForPlayer">, userId: string, except: string): Promise<GameRecord | undefined> {
  return (await store.listForPlayer(userId, "active")).find((game) => game.id !== except);
}
