import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { GameStatus } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import { playerInSlot, resultForWinner, slotOf, type GameRecord, type GameView, type MoveRecord } from "./game";
import { gameErrors } from "./game.errors";
import type { AnyGameRules, GameRulesFactory } from "./game-rules";
import type { GameStore, LockedGame } from "./game-store.port";

export type ActionOutcome =
  /** The move was accepted and persisted. */
  | { kind: "applied"; view: GameView }
  /** The same move with the same seq was already accepted: nothing changed. */
  | { kind: "duplicate"; view: GameView };

/**
 * The referee. Every change runs inside one transaction that holds the game's row lock, rebuilds
 * the state from the stored moves, checks the move, and writes the move and the new version
 * together, so two instances can never accept two moves for the same turn.
 */
export class GameService {
  private readonly log: Logger;

  constructor(
    private readonly deps: { store: GameStore; rules: GameRulesFactory; defaultKind: string; logger: Logger },
  ) {
    this.log = deps.logger.child({ component: "game-service" });
  }

  async createGame(userId: string, options: { opponentId?: string }): Promise<GameRecord> {
    if (options.opponentId === userId) throw gameErrors.selfInvite();
    const game = await this.deps.store.create({
      id: randomUUID(),
      kind: this.deps.defaultKind,
      player1Id: userId,
      invitedUserId: options.opponentId ?? null,
    });
    this.log.info("game created", { game_id: game.id, kind: game.kind, invited: game.invitedUserId !== null });
    return game;
  }

  async joinGame(userId: string, gameId: string): Promise<GameRecord> {
    const joined = await this.deps.store.withLockedGame(gameId, async ({ game, update }) => {
      if (slotOf(game, userId) !== undefined) return game; // joining twice is a no-op
      if (game.invitedUserId !== null && game.invitedUserId !== userId) throw gameErrors.notInvited();
      if (game.status !== "waiting" || game.player2Id !== null) throw gameErrors.notJoinable();
      return update({ player2Id: userId, status: "active" });
    });
    if (!joined) throw gameErrors.notFound();
    return joined;
  }

  /** A game its players (and its invitee) may see; anyone else gets a 404 so ids do not leak. */
  async getGame(userId: string, gameId: string): Promise<GameRecord> {
    const game = await this.deps.store.find(gameId);
    if (!game || (slotOf(game, userId) === undefined && game.invitedUserId !== userId)) throw gameErrors.notFound();
    return game;
  }

  /** A game regardless of who asks (for the server's own bookkeeping, never for a client). */
  async findGame(gameId: string): Promise<GameRecord | undefined> {
    return this.deps.store.find(gameId);
  }

  async listGames(userId: string, status?: GameStatus): Promise<GameRecord[]> {
    return this.deps.store.listForPlayer(userId, status);
  }

  /** The game and its state rebuilt from the moves, for a player (re)joining it. */
  async viewForPlayer(userId: string, gameId: string): Promise<GameView> {
    const game = await this.deps.store.find(gameId);
    if (!game || slotOf(game, userId) === undefined) throw gameErrors.notFound();
    const state = this.replay(game, await this.deps.store.moves(gameId));
    return this.view(game, state);
  }

  async applyAction(userId: string, gameId: string, seq: number, rawAction: unknown): Promise<ActionOutcome> {
    const outcome = await this.deps.store.withLockedGame(gameId, async (locked): Promise<ActionOutcome> => {
      const { game } = locked;
      const slot = slotOf(game, userId);
      if (slot === undefined) throw gameErrors.notFound();
      const moves = await locked.moves();
      const rules = this.rulesFor(game);
      const state = this.replay(game, moves);
      if (seq < game.version) {
        const earlier = moves[seq];
        if (earlier && earlier.playerId === userId && isDeepStrictEqual(earlier.action, rawAction)) {
          return { kind: "duplicate", view: this.view(game, state) };
        }
        throw gameErrors.staleSeq(game.version);
      }
      if (game.status !== "active") throw gameErrors.notActive();
      if (playerInSlot(game, rules.playerToMove(state)) !== userId) throw gameErrors.notYourTurn();
      if (seq !== game.version) throw gameErrors.staleSeq(game.version);
      const action = rules.parseAction(rawAction);
      if (action === undefined) throw gameErrors.invalidAction();
      const rejection = rules.validateMove(state, slot, action);
      if (rejection) throw gameErrors.illegalMove(rejection.code, rejection.message);
      const next = rules.apply(state, slot, action);
      await locked.appendMove({ seq: moves.length, playerId: userId, action });
      const updated = await locked.update({ version: game.version + 1, ...this.endOf(rules, next) });
      return { kind: "applied", view: this.view(updated, next) };
    });
    if (!outcome) throw gameErrors.notFound();
    if (outcome.kind === "applied" && outcome.view.game.status === "finished") {
      this.log.info("game finished", { game_id: gameId, result: outcome.view.game.result, reason: outcome.view.game.endReason });
    }
    return outcome;
  }

  async resign(userId: string, gameId: string): Promise<GameView> {
    const view = await this.deps.store.withLockedGame(gameId, async (locked) => {
      const slot = slotOf(locked.game, userId);
      if (slot === undefined) throw gameErrors.notFound();
      if (locked.game.status !== "active") throw gameErrors.notActive();
      return this.finishAgainst(locked, slot, "resignation");
    });
    if (!view) throw gameErrors.notFound();
    this.log.info("game finished", { game_id: gameId, result: view.game.result, reason: "resignation" });
    return view;
  }

  /** Ends an active game against a player who did not come back in time; undefined when it had already ended. */
  async forfeit(gameId: string, loserId: string): Promise<GameView | undefined> {
    const view = await this.deps.store.withLockedGame(gameId, async (locked) => {
      const slot = slotOf(locked.game, loserId);
      if (slot === undefined || locked.game.status !== "active") return undefined;
      return this.finishAgainst(locked, slot, "forfeit");
    });
    if (view) this.log.info("game finished", { game_id: gameId, result: view.game.result, reason: "forfeit" });
    return view;
  }

  private async finishAgainst(locked: LockedGame, loser: 1 | 2, reason: "resignation" | "forfeit"): Promise<GameView> {
    const state = this.replay(locked.game, await locked.moves());
    const updated = await locked.update({
      status: "finished",
      version: locked.game.version + 1,
      result: resultForWinner(loser === 1 ? 2 : 1),
      endReason: reason,
    });
    return this.view(updated, state);
  }

  private endOf(rules: AnyGameRules, state: unknown): Partial<GameRecord> {
    const outcome = rules.outcome(state);
    if (outcome.kind === "win") return { status: "finished", result: resultForWinner(outcome.winner), endReason: "win" };
    if (outcome.kind === "draw") return { status: "finished", result: "draw", endReason: "draw" };
    return {};
  }

  /** Rebuilds a game's state from its moves; a stored move the rules refuse means corrupt data. */
  private replay(game: GameRecord, moves: MoveRecord[]): unknown {
    const rules = this.rulesFor(game);
    return moves.reduce((state: unknown, move) => {
      const slot = slotOf(game, move.playerId);
      const action = rules.parseAction(move.action);
      if (slot === undefined || action === undefined || rules.validateMove(state, slot, action)) {
        throw new Error(`game ${game.id}: stored move ${move.seq} cannot be replayed`);
      }
      return rules.apply(state, slot, action);
    }, rules.initialState());
  }

  private view(game: GameRecord, state: unknown): GameView {
    const toMove = game.status === "active" ? playerInSlot(game, this.rulesFor(game).playerToMove(state)) : null;
    return { game, state, toMove };
  }

  private rulesFor(game: GameRecord): AnyGameRules {
    const rules = this.deps.rules(game.kind);
    if (!rules) throw new Error(`game ${game.id} has unknown kind ${game.kind}`);
    return rules;
  }
}
