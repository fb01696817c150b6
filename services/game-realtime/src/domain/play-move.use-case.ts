import { isDeepStrictEqual } from "node:util";
import { playerInSlot, resultForWinner, slotOf, type GameRecord, type GameView } from "./game";
import { GameBusyError, GameNotActiveError, GameNotFoundError, IllegalMoveError, InvalidActionError, NotYourTurnError, StaleSeqError, type GameError } from "./game.errors"
import type { AnyGameRules } from "./game-rules";
import type { GameSnapshot, GameStates } from "./game-states";

type MoveToStore = { seq: number; playerId: string; action: unknown };

type Decision =
  | { kind: "reject"; error: GameError }
  | { kind: "conflict" }
  | { kind: "duplicate" }
  | { kind: "move"; rules: AnyGameRules; next: unknown; move: MoveToStore };

export type ActionOutcome =
  /** The move was accepted and persisted. */
  | { kind: "applied"; view: GameView }
  /** The same move with the same seq was already accepted: nothing changed. */
  | { kind: "duplicate"; view: GameView };

/**
 * A move, the referee's whole path. The state comes from this instance's snapshot of the game when
 * it has one (no read); the write is conditional on the version the move was checked against, so
 * a snapshot made stale by another instance costs a retry, never a wrong move, and two instances
 * can never accept two moves for the same turn. A rejection decided on a snapshot is confirmed
 * against the database before it is sent. Moves of one game are decided one after another on this
 * instance; the write is group-committed with other games' moves.
 */
export class PlayMoveUseCase {
  constructor(private readonly states: GameStates) {}

  /** 404 game_not_found, 409 game_not_active / not_your_turn / stale_seq / game_busy, 422 invalid_action or the rules' own code. */
  execute(userId: string, gameId: string, seq: number, rawAction: unknown): Promise<ActionOutcome> {
    return this.states.queue.run(gameId, () => this.decideAndStore(userId, gameId, seq, rawAction));
  }

  private async decideAndStore(userId: string, gameId: string, seq: number, rawAction: unknown): Promise<ActionOutcome> {
    const { states } = this;
    let snapshot = states.cached(gameId);
    for (let attempt = 0; attempt < 4; attempt++) {
      const cached = snapshot !== undefined;
      snapshot ??= await states.load(gameId);
      const decision = this.decide(snapshot, userId, seq, rawAction);
      if (decision.kind === "reject" || decision.kind === "conflict") {
        states.forget(gameId);
        snapshot = undefined;
        if (decision.kind === "reject" && !cached) throw decision.error;
        continue;
      }
      if (decision.kind === "duplicate") return { kind: "duplicate", view: states.view(snapshot.game, snapshot.state) };
      // The last move too is group-committed; its batch's transaction rates the game (KnexGameStore).
      const stored = await states.store.appendMove(gameId, snapshot.game.version, decision.move, endOf(decision.rules, decision.next));
      const updated = stored?.game;
      if (!updated) {
        states.forget(gameId);
        snapshot = undefined;
        continue; // another move landed first; decide again on fresh data
      }
      states.remember({ game: updated, moves: [...snapshot.moves, { ...decision.move, gameId, createdAt: updated.updatedAt }], state: decision.next });
      if (updated.status === "finished") states.log.info("game finished", { game_id: gameId, result: updated.result, reason: updated.endReason });
      const view = states.view(updated, decision.next);
      return { kind: "applied", view: stored.ratingChange ? { ...view, ratingChange: stored.ratingChange } : view };
    }
    throw new GameBusyError();
  }

  private decide(snapshot: GameSnapshot, userId: string, seq: number, rawAction: unknown): Decision {
    const { game, moves, state } = snapshot;
    const slot = slotOf(game, userId);
    if (slot === undefined) return { kind: "reject", error: new GameNotFoundError() };
    const rules = this.states.rulesFor(game);
    const earlier = seq < game.version ? moves[seq] : undefined;
    if (earlier && earlier.playerId === userId && isDeepStrictEqual(earlier.action, rawAction)) return { kind: "duplicate" };
    if (game.status !== "active") return { kind: "reject", error: new GameNotActiveError() };
    if (seq < game.version) return { kind: "reject", error: new StaleSeqError(game.version) };
    if (playerInSlot(game, rules.playerToMove(state)) !== userId) return { kind: "reject", error: new NotYourTurnError() };
    if (seq !== game.version) return { kind: "reject", error: new StaleSeqError(game.version) };
    if (moves.length !== game.version) return { kind: "conflict" };
    const action = rules.parseAction(rawAction);
    if (action === undefined) return { kind: "reject", error: new InvalidActionError() };
    const rejection = rules.validateMove(state, slot, action);
    if (rejection) return { kind: "reject", error: new IllegalMoveError(rejection.code, rejection.message) };
    return { kind: "move", rules, next: rules.apply(state, slot, action), move: { seq: moves.length, playerId: userId, action } };
  }
}

function endOf(rules: AnyGameRules, state: unknown): Partial<GameRecord> {
  const outcome = rules.outcome(state);
  if (outcome.kind === "win") return { status: "finished", result: resultForWinner(outcome.winner), endReason: "win" };
  if (outcome.kind === "draw") return { status: "finished", result: "draw", endReason: "draw" };
  return {};
}
