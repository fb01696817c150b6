/** Move sequences (columns, player 1 first) shared by the unit and component tests. */

/** Player 1 stacks column 0 while player 2 plays column 1: player 1 wins vertically on move 7. */
export const VERTICAL_WIN_FOR_PLAYER_1 = [0, 1, 0, 1, 0, 1, 0];

/** Fills all 42 cells without four in a row. */
export const FULL_BOARD_DRAW = [
  4, 3, 3, 2, 1, 6, 3, 4, 3, 3, 2, 5, 2, 3, 0, 6, 5, 0, 6, 4, 5, 6, 6, 1, 6, 1, 5, 1, 0, 0, 0, 4, 4, 0, 2, 5, 4, 2, 2, 5, 1, 1,
];
