/** Draws a Connect Four board (`board[row][column]`, row 0 at the top) for the terminal. */
export function renderBoard(board: number[][], you: 1 | 2): string {
  const symbol = (cell: number) => (cell === 0 ? "." : cell === you ? "X" : "O");
  const rows = board.map((row) => `| ${row.map(symbol).join(" ")} |`);
  const columns = board[0]?.map((_cell, index) => String(index + 1)).join(" ") ?? "";
  return [...rows, `  ${columns}`, "  X = you, O = opponent"].join("\n");
}
