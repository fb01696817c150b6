import { CONNECT_FOUR_COLUMNS, CONNECT_FOUR_ROWS, connectFourRules as rules, type ConnectFourState } from "./connect-four.rules";
import { FULL_BOARD_DRAW, VERTICAL_WIN_FOR_PLAYER_1 } from "../../test/connect-four.fixtures";

function play(columns: number[]): ConnectFourState {
  return columns.reduce((state, column) => {
    const player = rules.playerToMove(state);
    const rejection = rules.validateMove(state, player, { column });
    if (rejection) throw new Error(`move ${column} rejected: ${rejection.code}`);
    return rules.apply(state, player, { column });
  }, rules.initialState());
}

describe("connect four rules", () => {
  it("when a game starts, then the board is empty and player 1 moves", () => {
    const state = rules.initialState();
    expect(state.board).toHaveLength(CONNECT_FOUR_ROWS);
    expect(state.board.every((row) => row.length === CONNECT_FOUR_COLUMNS && row.every((cell) => cell === 0))).toBe(true);
    expect(rules.playerToMove(state)).toBe(1);
    expect(rules.outcome(state)).toEqual({ kind: "ongoing" });
  });

  it("when a disc is dropped, then it lands on the lowest free row and the turn passes", () => {
    const state = play([3, 3]);
    expect(state.board[5]?.[3]).toBe(1);
    expect(state.board[4]?.[3]).toBe(2);
    expect(state.board[3]?.[3]).toBe(0);
    expect(rules.playerToMove(state)).toBe(1);
    expect(state.moves).toBe(2);
  });

  it("when a move is applied, then the previous state is left unchanged", () => {
    const before = play([2]);
    const snapshot = JSON.stringify(before);
    rules.apply(before, 2, { column: 2 });
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it("when a column is full, then a seventh disc is rejected with COLUMN_FULL", () => {
    const state = play([5, 5, 5, 5, 5, 5]);
    expect(rules.validateMove(state, 1, { column: 5 })).toMatchObject({ code: "COLUMN_FULL" });
    expect(rules.validateMove(state, 1, { column: 4 })).toBeUndefined();
  });

  it("when an action is not a column from 0 to 6, then parseAction refuses it", () => {
    expect(rules.parseAction({ column: 7 })).toBeUndefined();
    expect(rules.parseAction({ column: -1 })).toBeUndefined();
    expect(rules.parseAction({ column: 1.5 })).toBeUndefined();
    expect(rules.parseAction({ column: 2, extra: true })).toBeUndefined();
    expect(rules.parseAction("3")).toBeUndefined();
    expect(rules.parseAction({ column: 6 })).toEqual({ column: 6 });
  });

  it("when four discs line up vertically, then that player wins with the line reported", () => {
    const state = play(VERTICAL_WIN_FOR_PLAYER_1);
    expect(rules.outcome(state)).toEqual({ kind: "win", winner: 1 });
    expect(state.winning_line).toEqual([
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
  });

  it("when four discs line up horizontally, then that player wins", () => {
    const state = play([0, 0, 1, 1, 2, 2, 3]);
    expect(rules.outcome(state)).toEqual({ kind: "win", winner: 1 });
  });

  it("when four discs line up on a rising diagonal, then that player wins", () => {
    // Player 2 builds the staircase 0..3 from the bottom-left.
    const state = play([6, 0, 1, 1, 2, 2, 3, 2, 3, 3, 6, 3]);
    expect(rules.outcome(state)).toEqual({ kind: "win", winner: 2 });
    expect(state.winning_line).toEqual([
      [2, 3],
      [3, 2],
      [4, 1],
      [5, 0],
    ]);
  });

  it("when four discs line up on a falling diagonal, then that player wins", () => {
    const state = play([6, 5, 5, 4, 4, 3, 4, 3, 3, 0, 3]);
    expect(rules.outcome(state)).toEqual({ kind: "win", winner: 1 });
    expect(state.winning_line).toEqual([
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
    ]);
  });

  it("when three discs line up, then the game goes on", () => {
    const state = play([0, 1, 0, 1, 0, 1]);
    expect(rules.outcome(state)).toEqual({ kind: "ongoing" });
  });

  it("when the board fills without four in a row, then the game is a draw", () => {
    const state = play(FULL_BOARD_DRAW);
    expect(state.moves).toBe(42);
    expect(rules.outcome(state)).toEqual({ kind: "draw" });
  });

  it("when the game is won, then any further move is rejected with GAME_OVER", () => {
    const state = play(VERTICAL_WIN_FOR_PLAYER_1);
    expect(rules.validateMove(state, 2, { column: 4 })).toMatchObject({ code: "GAME_OVER" });
  });
});
