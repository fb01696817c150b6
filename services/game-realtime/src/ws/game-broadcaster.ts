import type { ServerMessage } from "@tollgate/contracts";
import type { GameRecord, GameView } from "../domain/game";
import type { ConnectionManager } from "../presence/connection-manager";

/** Turns a game change into the messages each player gets, through the fan-out. */
export class GameBroadcaster {
  constructor(private readonly connections: ConnectionManager) {}

  /** `game:state` to both players (each with their own `your_turn`), then `game:over` if it ended. */
  async gameChanged(view: GameView): Promise<void> {
    const players = [view.game.player1Id, view.game.player2Id].filter((id): id is string => id !== null);
    // One Redis connection sends commands in the order they are issued, so issuing them together
    // keeps each player's state before their game:over while saving round trips.
    const over = overMessage(view.game);
    await Promise.all([
      ...players.map((player) => this.connections.publish(view.game.id, player, stateMessage(view, player))),
      ...(over ? players.map((player) => this.connections.publish(view.game.id, player, over)) : []),
    ]);
  }
}

export function stateMessage(view: GameView, userId: string): ServerMessage {
  return {
    type: "game:state",
    game_id: view.game.id,
    version: view.game.version,
    status: view.game.status,
    state: view.state,
    your_turn: view.toMove === userId,
  };
}

export function overMessage(game: GameRecord): ServerMessage | undefined {
  if (game.status !== "finished" || game.result === null) return undefined;
  return { type: "game:over", game_id: game.id, result: game.result, reason: game.endReason ?? "unknown" };
}
