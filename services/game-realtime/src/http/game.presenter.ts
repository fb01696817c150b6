import type { Game } from "@tollgate/contracts";
import type { GameRecord } from "../domain/game";
import type { UserDirectory } from "../domain/user-directory.port";

/** A game's JSON; usernames from `names` (null for an id the directory does not know). */
export function toGameResponse(game: GameRecord, names: ReadonlyMap<string, string> = new Map()): Game {
  const nameOf = (id: string | null) => (id === null ? null : (names.get(id) ?? null));
  return {
    id: game.id,
    kind: game.kind,
    status: game.status,
    player1_id: game.player1Id,
    player2_id: game.player2Id,
    invited_user_id: game.invitedUserId,
    player1_username: nameOf(game.player1Id),
    player2_username: nameOf(game.player2Id),
    invited_username: nameOf(game.invitedUserId),
    version: game.version,
    result: game.result,
    end_reason: game.endReason,
    created_at: game.createdAt.toISOString(),
    updated_at: game.updatedAt.toISOString(),
  };
}

/** Games' JSON with their players' usernames, in one directory read. */
export async function presentGames(directory: UserDirectory, games: readonly GameRecord[]): Promise<Game[]> {
  const ids = games.flatMap((game) => [game.player1Id, game.player2Id, game.invitedUserId]).filter((id): id is string => id !== null);
  const names = await directory.usernames(ids);
  return games.map((game) => toGameResponse(game, names));
}
