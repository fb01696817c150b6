import type { GameResult, GameStatus } from "@tollgate/contracts";
import type { PlayerSlot } from "./game-rules";

/** A game as the service stores it (plain object; the data layer maps rows to it). */
export interface GameRecord {
  id: string;
  kind: string;
  status: GameStatus;
  player1Id: string;
  player2Id: string | null;
  invitedUserId: string | null;
  /** Bumped by every accepted move and by the end of the game; a client's `seq` names the version it played on. */
  version: number;
  result: GameResult | null;
  endReason: GameEndReason | null;
  createdAt: Date;
  updatedAt: Date;
}

export type GameEndReason = "win" | "draw" | "resignation" | "forfeit" | "aborted";

export interface MoveRecord {
  gameId: string;
  seq: number;
  playerId: string;
  action: unknown;
  createdAt: Date;
}

/** A game with its state rebuilt from the moves. */
export interface GameView {
  game: GameRecord;
  state: unknown;
  /** Whose turn it is while the game is active; null otherwise. */
  toMove: string | null;
  /** The players' rating changes, on the view of the change that finished the game. */
  ratingChange?: { player1: number; player2: number };
}

export function slotOf(game: GameRecord, userId: string): PlayerSlot | undefined {
  if (game.player1Id === userId) return 1;
  if (game.player2Id === userId) return 2;
  return undefined;
}

export function playerInSlot(game: GameRecord, slot: PlayerSlot): string | null {
  return slot === 1 ? game.player1Id : game.player2Id;
}

export function opponentOf(game: GameRecord, userId: string): string | null {
  if (game.player1Id === userId) return game.player2Id;
  if (game.player2Id === userId) return game.player1Id;
  return null;
}

export function resultForWinner(slot: PlayerSlot): GameResult {
  return slot === 1 ? "player1_won" : "player2_won";
}
