import type { ErrorCode } from "@tollgate/contracts";

/**
 * What a turn-based two-player game has to tell the server so it can referee it. The server never
 * knows the rules of a particular game: it asks for the initial state, parses and validates a
 * move, applies it, and reads the outcome. State is plain JSON so it can be sent to clients as is.
 */
export type PlayerSlot = 1 | 2;

export type Outcome = { kind: "ongoing" } | { kind: "win"; winner: PlayerSlot } | { kind: "draw" };

export interface MoveRejection {
  /** Stable code sent to the client in the `error` message, a member of the contracts' `errorCodes`, e.g. COLUMN_FULL. */
  code: ErrorCode;
  message: string;
}

export interface GameRules<State, Action> {
  readonly kind: string;
  initialState(): State;
  /** Whose turn it is in this state. */
  playerToMove(state: State): PlayerSlot;
  /** Parses an untrusted action; undefined when it is not an action of this game at all. */
  parseAction(raw: unknown): Action | undefined;
  /** Why this move is illegal in this state (the turn is checked by the caller), or undefined. */
  validateMove(state: State, player: PlayerSlot, action: Action): MoveRejection | undefined;
  /** The state after a move that passed `validateMove`; never mutates its input. */
  apply(state: State, player: PlayerSlot, action: Action): State;
  outcome(state: State): Outcome;
}

/** Rules with their types erased, as the game service holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGameRules = GameRules<any, any>;

/** Builds the rules of a game kind; unknown kinds are undefined. */
export type GameRulesFactory = (kind: string) => AnyGameRules | undefined;
