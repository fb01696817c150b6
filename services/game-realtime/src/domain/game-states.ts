import type { Logger } from "@tollgate/service-kit";
import { playerInSlot, slotOf, type GameRecord, type GameView, type MoveRecord } from "./game";
import { GameBusyError, GameNotFoundError } from "./game.errors"
import type { AnyGameRules, GameRulesFactory } from "./game-rules";
import type { GameStore } from "./game-store.port";
import { PerGameQueue } from "./per-game-queue";

/** A game, its moves and the state rebuilt from them. */
export interface GameSnapshot {
  game: GameRecord;
  moves: MoveRecord[];
  state: unknown;
}

/** Active games whose state this instance keeps between moves. */
const MAX_SNAPSHOTS = 20_000;

/**
 * What the game use cases share on one instance: the rules, the snapshots of active games kept
 * between moves (so a move usually costs no read), and the per-game queue that runs moves,
 * resignations and forfeits of one game one after another.
 */
export class GameStates {
  readonly log: Logger;
  readonly queue = new PerGameQueue();
  private readonly snapshots = new Map<string, GameSnapshot>();

  constructor(
    readonly store: GameStore,
    private readonly rules: GameRulesFactory,
    logger: Logger,
  ) {
    this.log = logger.child({ component: "game-states" });
  }

  cached(gameId: string): GameSnapshot | undefined {
    return this.snapshots.get(gameId);
  }

  forget(gameId: string): void {
    this.snapshots.delete(gameId);
  }

  /** Keeps an active game's snapshot (dropping the least recently touched beyond MAX_SNAPSHOTS); forgets a game that ended. */
  remember(snapshot: GameSnapshot): void {
    this.snapshots.delete(snapshot.game.id);
    if (snapshot.game.status !== "active") return;
    this.snapshots.set(snapshot.game.id, snapshot);
    // Map order is insertion order: the first key is the game touched longest ago.
    if (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value as string);
  }

  /** The game, its moves and its state rebuilt from them, read fresh from the database. 404 game_not_found; 409 game_busy when moves keep landing during the read. */
  async load(gameId: string): Promise<GameSnapshot> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const game = await this.store.find(gameId);
      if (!game) throw new GameNotFoundError();
      const moves = await this.store.moves(gameId);
      // Game row first, moves second: a move that lands in between shows up as one move too many.
      if (game.status === "active" && moves.length !== game.version) continue;
      const snapshot = { game, moves, state: this.replay(game, moves) };
      this.remember(snapshot);
      return snapshot;
    }
    throw new GameBusyError();
  }

  /** Rebuilds a game's state from its moves; a stored move the rules refuse means corrupt data. */
  replay(game: GameRecord, moves: MoveRecord[]): unknown {
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

  view(game: GameRecord, state: unknown): GameView {
    const toMove = game.status === "active" ? playerInSlot(game, this.rulesFor(game).playerToMove(state)) : null;
    return { game, state, toMove };
  }

  rulesFor(game: GameRecord): AnyGameRules {
    const rules = this.rules(game.kind);
    if (!rules) throw new Error(`game ${game.id} has unknown kind ${game.kind}`);
    return rules;
  }
}
