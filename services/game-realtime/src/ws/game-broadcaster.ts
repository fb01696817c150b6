import type { ServerMessage } from "@tollgate/contracts";
import type { GameRecord, GameView } from "../domain/game";
import type { ConnectionManager } from "../presence/connection-manager";
import { delivery, type Delivery } from "../presence/fan-out";

/** Turns a game change into the messages each player gets, through the fan-out. */
export class GameBroadcaster {
  constructor(private readonly connections: ConnectionManager) {}

  /** `game:state` to both players (each with their own `your_turn`), then `game:over` if it ended. */
  async gameChanged(view: GameView): Promise<void> {
    const players = [view.game.player1Id, view.game.player2Id].filter((id): id is string => id !== null);
    const over = overMessage(view.game, view.ratingChange);
    // One delivery for the whole change keeps each player's state before their game:over.
    await this.connections.deliver(view.game.id, [
      ...stateDeliveries(view, players),
      ...(over ? players.map((player) => delivery(player, over)) : []),
    ]);
  }
}

/**
 * Each player's `game:state`, the game's state serialised once for both: the messages differ
 * only in `your_turn`. The text is exactly JSON.stringify of the message (a unit test holds it to that).
 */
export function stateDeliveries(view: GameView, players: readonly string[]): Delivery[] {
  const state = JSON.stringify(view.state) as string | undefined;
  return players.map((player) => {
    const message = stateMessage(view, player);
    if (state === undefined) return delivery(player, message);
    const json = `{"type":"game:state","game_id":${JSON.stringify(view.game.id)},"version":${view.game.version},"status":${JSON.stringify(view.game.status)},"state":${state},"your_turn":${view.toMove === player}}`;
    return { to: player, message, json };
  });
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

export function overMessage(game: GameRecord, ratingChange?: { player1: number; player2: number }): ServerMessage | undefined {
  if (game.status !== "finished" || (game.result === null && game.endReason !== "aborted")) return undefined;
  return { type: "game:over", game_id: game.id, result: game.result, reason: game.endReason ?? "unknown", ...(ratingChange ? { rating_change: ratingChange } : {}) };
}
