import { createInterface } from "node:readline";
import type { GameSocket } from "../game-socket";
import { renderBoard } from "./connect-four-board";

const YOUR_MOVE = "your move (column 1-7): ";
const THEIR_MOVE = "waiting for the opponent's move…\n";

type Over = { result: "player1_won" | "player2_won" | "draw" | null; reason: string };

/**
 * One game in a terminal: draws each state the server sends, reads columns from stdin, and says
 * what happened to every line typed (a move out of turn is answered, never dropped). After
 * anything that interrupts the board (the opponent leaving or coming back, an error, this side's
 * reconnection) the prompt is shown again, so the player always knows whose move it is.
 */
export class GameTerminal {
  /** Undefined until the first state arrives. */
  private yourTurn: boolean | undefined;
  private status: "waiting" | "active" | "finished" | undefined;
  /** A move was sent and its state has not come back yet. */
  private sending = false;
  private finished = false;
  /** The last board drawn, to draw again after a notice pushed it up the screen. */
  private board = "";
  /** The connection dropped and has not been authenticated again yet: typed moves cannot go out. */
  private reconnecting = false;
  /** The version, status and turn last drawn; after a reconnection the rejoined state is drawn only if it differs. */
  private drawn: string | undefined;
  /** The board was drawn again on reconnecting: the rejoin's state, when it is the same, is not drawn twice. */
  private redrawnOnReconnect = false;

  constructor(
    private readonly socket: GameSocket,
    private readonly game: { id: string },
    private readonly you: 1 | 2,
    /** How to name the other player: their username when known, else "your opponent". */
    private readonly opponent: string,
    private readonly io: { input: NodeJS.ReadableStream; write: (text: string) => void } = { input: process.stdin, write: (text) => process.stdout.write(text) },
  ) {}

  private write(text: string): void {
    this.io.write(text);
  }

  /** Resolves when the game ends: the exit code and the line that says how. */
  async play(): Promise<number> {
    const { socket } = this;
    socket.on("state", (state) => {
      this.yourTurn = state.your_turn;
      this.status = state.status;
      this.sending = false;
      const drawn = `${state.version}|${state.status}|${state.your_turn}`;
      const repeat = this.redrawnOnReconnect && drawn === this.drawn;
      this.redrawnOnReconnect = false;
      this.drawn = drawn;
      // After a reconnection the board and prompt were just drawn; the rejoined state showed them
      // a second time when nothing had changed.
      if (repeat) return;
      const board = (state.state as { board?: number[][] }).board;
      if (board) this.board = `\n${renderBoard(board, this.you)}\n`;
      // One write per state, so a reader sees the board and the prompt together.
      this.write(`${board ? this.board : ""}${this.prompt()}`);
    });
    socket.on("opponent_disconnected", (event) => this.write(`\nopponent disconnected; they forfeit at ${new Date(event.grace_until).toLocaleTimeString()} unless they return\n${this.prompt()}`));
    socket.on("opponent_reconnected", () => this.write(`\nopponent is back\n${this.board}${this.prompt()}`));
    socket.on("server_error", (error) => {
      this.sending = false;
      this.write(`\n${error.message}\n${this.prompt()}`);
    });
    socket.on("closed", ({ willReconnect }) => {
      if (this.finished || !willReconnect) return;
      this.reconnecting = true;
      this.write("\nconnection lost; reconnecting…\n");
    });
    // Back in: the board and whose move it is, as last known. The socket rejoins the game, and
    // the state the service answers with is drawn (with its prompt) when it arrives.
    socket.on("ready", () => {
      if (this.finished || !this.reconnecting) return;
      this.reconnecting = false;
      this.sending = false;
      this.redrawnOnReconnect = this.drawn !== undefined;
      this.write(`reconnected\n${this.board}${this.prompt()}`);
    });
    const rejoin = `tollgate play --join ${this.game.id}`;

    const input = createInterface({ input: this.io.input, terminal: false });
    input.on("line", (line) => this.typed(line.trim()));
    const ended = new Promise<number>((resolve) => {
      socket.once("over", (over) => resolve(this.over(over)));
      // A revoked or expired session closes the socket for good (4401): no reconnection can help.
      socket.on("closed", ({ code, willReconnect }) => {
        if (this.finished || willReconnect) return;
        this.write(`\nthe game connection closed (${code}); your session may have ended. Log in again (tollgate login <username>), then rejoin: ${rejoin}\n`);
        resolve(1);
      });
    });
    try {
      return await ended;
    } finally {
      this.finished = true;
      input.close();
    }
  }

  private prompt(): string {
    if (this.finished || this.status === undefined || this.status === "finished") return "";
    if (this.status === "waiting") return "waiting for an opponent to join…\n";
    return this.yourTurn ? YOUR_MOVE : THEIR_MOVE;
  }

  private typed(line: string): void {
    if (this.finished || line === "") return;
    if (this.reconnecting) {
      this.write("not connected; reconnecting… (type your move again once the board is back)\n");
      return;
    }
    if (this.sending) {
      this.write("your move is on its way; wait for the board\n");
      return;
    }
    if (this.status !== "active" || !this.yourTurn) {
      this.write(`not your turn — waiting for ${this.opponent}\n`);
      return;
    }
    const column = Number(line);
    if (!Number.isInteger(column) || column < 1 || column > 7) {
      this.write(`"${line}" is not a column; ${YOUR_MOVE}`);
      return;
    }
    this.sending = true;
    this.socket.act(this.game.id, { column: column - 1 });
  }

  private over(over: Over): number {
    this.finished = true;
    this.write(`\ngame over: ${this.outcome(over)}\n`);
    return 0;
  }

  /** The result from this player's side: who won, and how when it was not four in a row. */
  private outcome(over: Over): string {
    // Aborted: a player did not join, or left before both had moved; nobody won and nothing was rated.
    if (over.result === null) return "aborted (a player did not join, or left before both had moved): no result, ratings unchanged";
    if (over.result === "draw") return "draw";
    const won = (over.result === "player1_won" && this.you === 1) || (over.result === "player2_won" && this.you === 2);
    const loser = won ? this.opponent : "you";
    const how = over.reason === "forfeit" ? ` (${loser} forfeited)` : over.reason === "resignation" ? ` (${loser} resigned)` : "";
    return `${won ? "you won" : `you lost: ${this.opponent} won`}${how}`;
  }
}
