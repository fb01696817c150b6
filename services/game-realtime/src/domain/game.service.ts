import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { GameStatus } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import { playerInSlot, resultForWinner, slotOf, type GameRecord, type GameView, type MoveRecord } from "./game";
import { gameErrors, type GameError } from "./game.errors";
import type { AnyGameRules, GameRulesFactory } from "./game-rules";
import type { GameStore, LockedGame } from "./game-store.port";
import { PerGameQueue } from "./per-game-queue";

interface GameSnapshot {
  game: GameRecord;
  moves: MoveRecord[];
  state: unknown;
}

type Decision =
  | { kind: "reject"; error: GameError }
  | { kind: "conflict" }
  | { kind: "duplicate" }
  | { kind: "move"; rules: AnyGameRules; next: unknown; move: { seq: number; playerId: string; action: unknown } };

/** Active games whose state this instance keeps between moves. */
const MAX_SNAPSHOTS = 20_000;

export type ActionOutcome =
  /** The move was accepted and persisted. */
  | { kind: "applied"; view: GameView }
  /** The same move with the same seq was already accepted: nothing changed. */
  | { kind: "duplicate"; view: GameView };

/**
 * The referee. A move is checked against the game's state rebuilt from its stored moves (kept
 * between moves as a snapshot) and written with its new version conditionally on the version it
 * was checked against, so two instances can never accept two moves for the same turn. Joining, resigning and forfeiting
 * hold the game's row lock for their read-check-write.
 */
export class GameService {
  private readonly log: Logger;
  private readonly snapshots = new Map<string, GameSnapshot>();
  /** Moves, resignations and forfeits of one game run one after another on this instance. */
  private readonly queue = new PerGameQueue();

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
    const { game, state } = await this.load(gameId);
    if (slotOf(game, userId) === undefined) throw gameErrors.notFound();
    return this.view(game, state);
  }

  /**
   * A move. The state comes from this instance's snapshot of the game when it has one (no read);
   * the write is conditional on the version the move was checked against, so a snapshot made
   * stale by another instance costs a retry, never a wrong move. A rejection decided on a snapshot
   * is confirmed against the database before it is sent. Moves of one game are decided one after
   * another on this instance; the write is group-committed with other games' moves.
   */
  applyAction(userId: string, gameId: string, seq: number, rawAction: unknown): Promise<ActionOutcome> {
    return this.queue.run(gameId, () => this.decideAndStore(userId, gameId, seq, rawAction));
  }

  private async decideAndStore(userId: string, gameId: string, seq: number, rawAction: unknown): Promise<ActionOutcome> {
    let snapshot = this.snapshots.get(gameId);
    for (let attempt = 0; attempt < 4; attempt++) {
      const cached = snapshot !== undefined;
      snapshot ??= await this.load(gameId);
      const decision = this.decide(snapshot, userId, seq, rawAction);
      if (decision.kind === "reject" || decision.kind === "conflict") {
        this.snapshots.delete(gameId);
        snapshot = undefined;
        if (decision.kind === "reject" && !cached) throw decision.error;
        continue;
      }
      if (decision.kind === "duplicate") return { kind: "duplicate", view: this.view(snapshot.game, snapshot.state) };
      const updated = await this.deps.store.appendMove(gameId, snapshot.game.version, decision.move, this.endOf(decision.rules, decision.next));
      if (!updated) {
        this.snapshots.delete(gameId);
        snapshot = undefined;
        continue; // another move landed first; decide again on fresh data
      }
      this.remember({ game: updated, moves: [...snapshot.moves, { ...decision.move, gameId, createdAt: updated.updatedAt }], state: decision.next });
      if (updated.status === "finished") this.log.info("game finished", { game_id: gameId, result: updated.result, reason: updated.endReason });
      return { kind: "applied", view: this.view(updated, decision.next) };
    }
    throw gameErrors.busy();
  }

  private decide(snapshot: GameSnapshot, userId: string, seq: number, rawAction: unknown): Decision {
    const { game, moves, state } = snapshot;
    const slot = slotOf(game, userId);
    if (slot === undefined) return { kind: "reject", error: gameErrors.notFound() };
    const rules = this.rulesFor(game);
    const earlier = seq < game.version ? moves[seq] : undefined;
    if (earlier && earlier.playerId === userId && isDeepStrictEqual(earlier.action, rawAction)) return { kind: "duplicate" };
    if (game.status !== "active") return { kind: "reject", error: gameErrors.notActive() };
    if (seq < game.version) return { kind: "reject", error: gameErrors.staleSeq(game.version) };
    if (playerInSlot(game, rules.playerToMove(state)) !== userId) return { kind: "reject", error: gameErrors.notYourTurn() };
    if (seq !== game.version) return { kind: "reject", error: gameErrors.staleSeq(game.version) };
    if (moves.length !== game.version) return { kind: "conflict" };
    const action = rules.parseAction(rawAction);
    if (action === undefined) return { kind: "reject", error: gameErrors.invalidAction() };
    const rejection = rules.validateMove(state, slot, action);
    if (rejection) return { kind: "reject", error: gameErrors.illegalMove(rejection.code, rejection.message) };
    return { kind: "move", rules, next: rules.apply(state, slot, action), move: { seq: moves.length, playerId: userId, action } };
  }

  /** The game, its moves and its state rebuilt from them, read fresh from the database. */
  private async load(gameId: string): Promise<GameSnapshot> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const game = await this.deps.store.find(gameId);
      if (!game) throw gameErrors.notFound();
      const moves = await this.deps.store.moves(gameId);
      // Game row first, moves second: a move that lands in between shows up as one move too many.
      if (game.status === "active" && moves.length !== game.version) continue;
      const snapshot = { game, moves, state: this.replay(game, moves) };
      this.remember(snapshot);
      return snapshot;
    }
    throw gameErrors.busy();
  }

  private remember(snapshot: GameSnapshot): void {
    this.snapshots.delete(snapshot.game.id);
    if (snapshot.game.status !== "active") return;
    this.snapshots.set(snapshot.game.id, snapshot);
    // Map order is insertion order: the first key is the game touched longest ago.
    if (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value as string);
  }

  async resign(userId: string, gameId: string): Promise<GameView> {
    const view = await this.queue.run(gameId, () =>
      this.deps.store.withLockedGame(gameId, async (locked) => {
        const slot = slotOf(locked.game, userId);
        if (slot === undefined) throw gameErrors.notFound();
        if (locked.game.status !== "active") throw gameErrors.notActive();
        return this.finishAgainst(locked, slot, "resignation");
      }),
    );
    if (!view) throw gameErrors.notFound();
    this.log.info("game finished", { game_id: gameId, result: view.game.result, reason: "resignation" });
    return view;
  }

  /** Ends an active game against a player who did not come back in time; undefined when it had already ended. */
  async forfeit(gameId: string, loserId: string): Promise<GameView | undefined> {
    const view = await this.queue.run(gameId, () =>
      this.deps.store.withLockedGame(gameId, async (locked) => {
        const slot = slotOf(locked.game, loserId);
        if (slot === undefined || locked.game.status !== "active") return undefined;
        return this.finishAgainst(locked, slot, "forfeit");
      }),
    );
    if (view) this.log.info("game finished", { game_id: gameId, result: view.game.result, reason: "forfeit" });
    return view;
  }

  private async finishAgainst(locked: LockedGame, loser: 1 | 2, reason: "resignation" | "forfeit"): Promise<GameView> {
    this.snapshots.delete(locked.game.id);
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
