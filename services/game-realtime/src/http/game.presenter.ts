import type { Game } from "@tollgate/contracts";
import type { GameRecord } from "../domain/game";

export function toGameResponse(game: GameRecord): Game {
  return {
    id: game.id,
    kind: game.kind,
    status: game.status,
    player1_id: game.player1Id,
    player2_id: game.player2Id,
    invited_user_id: game.invitedUserId,
    version: game.version,
    result: game.result,
    end_reason: game.endReason,
    created_at: game.createdAt.toISOString(),
    updated_at: game.updatedAt.toISOString(),
  };
}
