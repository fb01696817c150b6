/**
 * The peer bench's Colyseus room: Connect Four refereed by the very rules module the service uses
 * (src/domain/connect-four.rules.ts), so both servers do the same work per move: parse, check the
 * turn and the version, validate, apply, read the outcome. What the room does not do is what
 * Colyseus does not do: persist moves, authenticate, share state across instances.
 *
 * The state is Colyseus schema state (its idiomatic sync): the 42 cells, whose turn, the move
 * count (the version the clients see) and the round. Patches go out after every accepted move
 * (`broadcastPatch`), not on the default 50 ms clock, which would add up to 50 ms to every move
 * of a turn-based game. A finished game is replaced by the next round when its first move
 * arrives, as the service's pairs move on to their next prepared game.
 */
import { Room, type Client } from "@colyseus/core";
import { ArraySchema, schema } from "@colyseus/schema";
import { CONNECT_FOUR_COLUMNS, CONNECT_FOUR_ROWS, connectFourRules, type ConnectFourState } from "../src/domain/connect-four.rules";
import type { PlayerSlot } from "../src/domain/game-rules";

export const BoardState = schema({
  cells: { array: "uint8" },
  next: "uint8",
  moves: "uint16",
  round: "uint32",
});
type Board = InstanceType<typeof BoardState>;

/** `{ round, seq, column }`: a move in the round's game, on the version `seq`. */
interface MoveMessage {
  round: number;
  seq: number;
  column: number;
}

const emptyCells = () => new ArraySchema<number>(...Array<number>(CONNECT_FOUR_ROWS * CONNECT_FOUR_COLUMNS).fill(0));

export class ConnectFourRoom extends Room<Board> {
  override maxClients = 2;
  private game: ConnectFourState = connectFourRules.initialState();
  private readonly slots = new Map<string, PlayerSlot>();

  override onCreate(): void {
    this.setState(new BoardState({ cells: emptyCells(), next: 1, moves: 0, round: 0 }));
    this.setPatchRate(null);
    this.onMessage("move", (client, message: MoveMessage) => this.move(client, message));
  }

  override onJoin(client: Client): void {
    this.slots.set(client.sessionId, this.slots.size === 0 ? 1 : 2);
  }

  override onLeave(client: Client): void {
    this.slots.delete(client.sessionId);
  }

  private move(client: Client, message: MoveMessage): void {
    const player = this.slots.get(client.sessionId);
    if (player === undefined) return;
    if (message.round === this.state.round + 1 && connectFourRules.outcome(this.game).kind !== "ongoing") this.nextRound();
    const action = connectFourRules.parseAction({ column: message.column });
    if (message.round !== this.state.round || message.seq !== this.game.moves || !action) return this.refuse(client, "stale_or_invalid");
    if (connectFourRules.playerToMove(this.game) !== player) return this.refuse(client, "not_your_turn");
    const rejection = connectFourRules.validateMove(this.game, player, action);
    if (rejection) return this.refuse(client, rejection.code);
    this.game = connectFourRules.apply(this.game, player, action);
    const row = this.game.board.findIndex((line) => line[action.column] === player);
    this.state.cells[row * CONNECT_FOUR_COLUMNS + action.column] = player;
    this.state.next = this.game.next;
    this.state.moves = this.game.moves;
    this.broadcastPatch();
  }

  private nextRound(): void {
    this.game = connectFourRules.initialState();
    this.state.cells = emptyCells();
    this.state.next = 1;
    this.state.moves = 0;
    this.state.round += 1;
  }

  private refuse(client: Client, code: string): void {
    client.send("error", { code });
  }
}
