import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { Game } from "@tollgate/contracts";
import type { GameSocket } from "../game-socket";
import { GameTerminal } from "./game-terminal";

const GAME_ID = "6f1d8a60-4c1e-4d59-9a57-2f4a7d0c1b11";
const game = { id: GAME_ID } as Game;
const board = () => Array.from({ length: 6 }, () => Array<number>(7).fill(0));
const state = (yourTurn: boolean, status: "active" | "finished" = "active") => ({ type: "game:state", game_id: GAME_ID, version: 0, status, state: { board: board() }, your_turn: yourTurn });

function terminal() {
  const socket = Object.assign(new EventEmitter(), { act: jest.fn() });
  const input = new PassThrough();
  let output = "";
  const played = new GameTerminal(socket as unknown as GameSocket, game, 1, "ben", { input, write: (text) => (output += text) }).play();
  // readline reads the stream asynchronously: a typed line is handled on a later tick.
  const type = async (line: string) => {
    input.write(`${line}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { socket, type, played, output: () => output, clear: () => (output = "") };
}

describe("a game in the terminal", () => {
  it("when a column is typed on the opponent's turn, then the player is told it is not their turn, with the opponent's name, and nothing is sent", async () => {
    const t = terminal();
    t.socket.emit("state", state(false));
    expect(t.output()).toContain("waiting for the opponent's move");
    await t.type("4");
    expect(t.output()).toContain("not your turn — waiting for ben\n");
    expect(t.socket.act).not.toHaveBeenCalled();
    t.socket.emit("over", { result: "player2_won", reason: "resignation" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when a column is typed on the player's turn, then it is sent once (0-based) and a second line before the board returns is answered", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    expect(t.output()).toMatch(/\| \. \. \. \. \. \. \. \|[\s\S]*your move \(column 1-7\): $/);
    await t.type("4");
    await t.type("5");
    expect(t.socket.act).toHaveBeenCalledTimes(1);
    expect(t.socket.act).toHaveBeenCalledWith(GAME_ID, { column: 3 });
    expect(t.output()).toContain("your move is on its way");
    t.socket.emit("over", { result: "player1_won", reason: "win" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when the input is not a column, then the player is asked again and nothing is sent", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    await t.type("9");
    await t.type("left");
    expect(t.output()).toContain('"9" is not a column; your move (column 1-7): ');
    expect(t.output()).toContain('"left" is not a column');
    expect(t.socket.act).not.toHaveBeenCalled();
    t.socket.emit("over", { result: "draw", reason: "draw" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when the opponent leaves and comes back on the player's turn, then 'your move' is shown again after each notice, and the board with it when they are back", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    t.clear();
    t.socket.emit("opponent_disconnected", { type: "game:opponent_disconnected", game_id: GAME_ID, grace_until: new Date(Date.now() + 60_000).toISOString() });
    expect(t.output()).toMatch(/opponent disconnected; they forfeit at .+ unless they return\nyour move \(column 1-7\): $/);
    t.clear();
    t.socket.emit("opponent_reconnected", { type: "game:opponent_reconnected", game_id: GAME_ID });
    expect(t.output()).toMatch(/^\nopponent is back\n\n[^\n]*\| \. \. \. \. \. \. \. \|[\s\S]*\nyour move \(column 1-7\): $/);
    t.socket.emit("over", { result: "player1_won", reason: "forfeit" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when the game is aborted (nobody won), then the player is told it ended without a result and unrated", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    t.clear();
    t.socket.emit("over", { result: null, reason: "aborted" });
    await expect(t.played).resolves.toBe(0);
    expect(t.output()).toContain("game over: aborted (a player did not join, or left before both had moved): no result, ratings unchanged");
    expect(t.output()).not.toMatch(/you (won|lost)/);
  });

  it("when the server refuses a move, then its reason is shown with the prompt, and the player can move again", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    await t.type("1");
    t.socket.emit("server_error", { type: "error", code: "COLUMN_FULL", message: "that column is full" });
    expect(t.output()).toContain("\nthat column is full\nyour move (column 1-7): ");
    await t.type("2");
    expect(t.socket.act).toHaveBeenLastCalledWith(GAME_ID, { column: 1 });
    t.socket.emit("over", { result: "player1_won", reason: "win" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when the game ends, then the final board carries no prompt and the result is said from the player's side", async () => {
    const t = terminal();
    t.socket.emit("state", state(false, "finished"));
    t.socket.emit("over", { result: "player2_won", reason: "win" });
    await expect(t.played).resolves.toBe(0);
    expect(t.output()).not.toContain("waiting for the opponent's move");
    expect(t.output()).toContain("game over: you lost: ben won\n");
  });

  it.each([
    [{ result: "player1_won", reason: "win" }, "game over: you won\n"],
    [{ result: "player1_won", reason: "forfeit" }, "game over: you won (ben forfeited)\n"],
    [{ result: "player2_won", reason: "resignation" }, "game over: you lost: ben won (you resigned)\n"],
    [{ result: "draw", reason: "draw" }, "game over: draw\n"],
  ] as const)("when the game ends with %j, then the player reads %j", async (over, line) => {
    const t = terminal();
    t.socket.emit("over", over);
    await expect(t.played).resolves.toBe(0);
    expect(t.output()).toBe(`\n${line}`);
  });

  it("when the connection drops and comes back, then the board and 'your move' are shown again once: the rejoined state, unchanged, is not drawn a second time", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    t.clear();
    t.socket.emit("closed", { code: 1006, reason: "", willReconnect: true });
    expect(t.output()).toBe("\nconnection lost; reconnecting…\n");
    t.clear();
    t.socket.emit("ready", "a-user");
    expect(t.output()).toMatch(/^reconnected\n\n\| \. \. \. \. \. \. \. \|[\s\S]*\nyour move \(column 1-7\): $/);
    t.clear();
    t.socket.emit("state", state(true));
    expect(t.output()).toBe("");
    // The next change is drawn as usual.
    t.socket.emit("state", { ...state(true), version: 1 });
    expect(t.output().match(/your move \(column 1-7\): /g)).toHaveLength(1);
    await t.type("3");
    expect(t.socket.act).toHaveBeenCalledWith(GAME_ID, { column: 2 });
    t.socket.emit("over", { result: "player1_won", reason: "win" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when the opponent moved while the connection was down, then the rejoined state (a new version) is drawn once after the reconnection's board", async () => {
    const t = terminal();
    t.socket.emit("state", state(false));
    t.socket.emit("closed", { code: 1006, reason: "", willReconnect: true });
    t.socket.emit("ready", "a-user");
    t.clear();
    t.socket.emit("state", { ...state(true), version: 1 });
    expect(t.output().match(/\| \. \. \. \. \. \. \. \|/g)?.length).toBe(6);
    expect(t.output().match(/your move \(column 1-7\): /g)).toHaveLength(1);
    t.socket.emit("over", { result: "draw", reason: "draw" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when a move is typed while reconnecting, then the player is told to wait and nothing is sent; a move sent before the drop does not block the next one", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    await t.type("1");
    t.socket.emit("closed", { code: 1006, reason: "", willReconnect: true });
    await t.type("2");
    expect(t.output()).toContain("not connected; reconnecting…");
    expect(t.socket.act).toHaveBeenCalledTimes(1);
    t.socket.emit("ready", "a-user");
    await t.type("2");
    expect(t.socket.act).toHaveBeenCalledTimes(2);
    expect(t.socket.act).toHaveBeenLastCalledWith(GAME_ID, { column: 1 });
    t.socket.emit("over", { result: "draw", reason: "draw" });
    await expect(t.played).resolves.toBe(0);
  });

  it("when the connection closes for good (session ended), then the player is told how to rejoin and the exit code is 1", async () => {
    const t = terminal();
    t.socket.emit("state", state(true));
    t.socket.emit("closed", { code: 4401, reason: "SESSION_REVOKED", willReconnect: false });
    await expect(t.played).resolves.toBe(1);
    expect(t.output()).toContain(`tollgate play --join ${GAME_ID}`);
  });
});
