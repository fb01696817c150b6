import { connectFourActionSchema, gameErrorCodes, type ConnectFourAction } from "@tollgate/contracts";
import type { GameRules, MoveRejection, Outcome, PlayerSlot } from "./game-rules";

export const CONNECT_FOUR_ROWS = 6;
export const CONNECT_FOUR_COLUMNS = 7;

/** `board[row][column]`, row 0 at the top; 0 is empty, 1 and 2 are the players' discs. */
export interface ConnectFourState {
  board: number[][];
  next: PlayerSlot;
  moves: number;
  winner: PlayerSlot | null;
  /** The four cells of the winning line, as [row, column] pairs. */
  winning_line: [number, number][] | null;
}

const DIRECTIONS: [number, number][] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [1, -1],
];

function cell(board: number[][], row: number, column: number): number | undefined {
  return board[row]?.[column];
}

function findLine(board: number[][], row: number, column: number): [number, number][] | null {
  const player = cell(board, row, column);
  if (!player) return null;
  for (const [dr, dc] of DIRECTIONS) {
    const line: [number, number][] = [[row, column]];
    for (const sign of [1, -1]) {
      let r = row + dr * sign;
      let c = column + dc * sign;
      while (cell(board, r, c) === player) {
        line.push([r, c]);
        r += dr * sign;
        c += dc * sign;
      }
    }
    if (line.length >= 4) return line.sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, 4);
  }
  return null;
}

export const connectFourRules: GameRules<ConnectFourState, ConnectFourAction> = {
  kind: "connect_four",

  initialState: () => ({
    board: Array.from({ length: CONNECT_FOUR_ROWS }, () => Array<number>(CONNECT_FOUR_COLUMNS).fill(0)),
    next: 1,
    moves: 0,
    winner: null,
    winning_line: null,
  }),

  playerToMove: (state) => state.next,

  parseAction: (raw) => {
    const parsed = connectFourActionSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  },

  validateMove: (state, _player, action): MoveRejection | undefined => {
    if (state.winner !== null || state.moves >= CONNECT_FOUR_ROWS * CONNECT_FOUR_COLUMNS) {
      return { code: gameErrorCodes.GAME_OVER, message: "the game is over" };
    }
    if (cell(state.board, 0, action.column) !== 0) {
      return { code: gameErrorCodes.COLUMN_FULL, message: `column ${action.column} is full` };
    }
    return undefined;
  },

  apply: (state, player, action) => {
    const board = state.board.map((row) => [...row]);
    let landed = -1;
    for (let row = CONNECT_FOUR_ROWS - 1; row >= 0; row--) {
      const line = board[row];
      if (line && line[action.column] === 0) {
        line[action.column] = player;
        landed = row;
        break;
      }
    }
    if (landed < 0) throw new Error(`column ${action.column} is full; validateMove must run first`);
    const winningLine = findLine(board, landed, action.column);
    return {
      board,
      next: player === 1 ? 2 : 1,
      moves: state.moves + 1,
      winner: winningLine ? player : null,
      winning_line: winningLine,
    };
  },

  outcome: (state): Outcome => {
    if (state.winner !== null) return { kind: "win", winner: state.winner };
    if (state.moves >= CONNECT_FOUR_ROWS * CONNECT_FOUR_COLUMNS) return { kind: "draw" };
    return { kind: "ongoing" };
  },
};
