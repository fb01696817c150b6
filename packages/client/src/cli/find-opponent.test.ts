import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { GameSocket } from "../game-socket";
import { findOpponent } from "./find-opponent";

const GAME_ID = "6f1d8a60-4c1e-4d59-9a57-2f4a7d0c1b11";
const OPPONENT_ID = "0b7a5a4e-9d5c-4b8e-8d0f-3c2b1a0f9e88";

function search() {
  const socket = Object.assign(new EventEmitter(), { find: jest.fn(), cancelFind: jest.fn() });
  const input = new PassThrough();
  let output = "";
  let interrupt: (() => void) | undefined;
  const found = findOpponent(socket as unknown as GameSocket, {
    input,
    write: (text) => (output += text),
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => (interrupt = undefined);
    },
  });
  const type = async (line: string) => {
    input.write(`${line}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { socket, found, type, output: () => output, interrupt: () => interrupt?.(), interruptible: () => interrupt !== undefined };
}

describe("looking for an opponent", () => {
  it("when the service pairs the player, then the search says so on the way and resolves with the match, and Ctrl-C no longer cancels it", async () => {
    const s = search();
    expect(s.socket.find).toHaveBeenCalledTimes(1);
    expect(s.output()).toBe("looking for an opponent…\n");
    s.socket.emit("queued", { type: "game:queued", rating: 1500, queued_at: new Date().toISOString() });
    expect(s.output()).toContain("in the queue with rating 1500");
    const match = { type: "game:matched", game_id: GAME_ID, opponent: { user_id: OPPONENT_ID, username: "ben", rating: 1523.4 }, you_are: "player2" };
    s.socket.emit("matched", match);
    await expect(s.found).resolves.toEqual({ kind: "matched", match });
    expect(s.interruptible()).toBe(false);
    expect(s.socket.listenerCount("matched")).toBe(0);
  });

  it("when q is typed, then the player leaves the queue with game:find_cancel and the search ends cancelled once the service confirms", async () => {
    const s = search();
    await s.type("4");
    expect(s.output()).toContain("still looking for an opponent… (q and Enter to stop)");
    expect(s.socket.cancelFind).not.toHaveBeenCalled();
    await s.type("q");
    expect(s.socket.cancelFind).toHaveBeenCalledTimes(1);
    s.socket.emit("find_cancelled", { type: "game:find_cancelled" });
    await expect(s.found).resolves.toEqual({ kind: "cancelled" });
  });

  it("when Ctrl-C is pressed, then the player leaves the queue", async () => {
    const s = search();
    s.interrupt();
    expect(s.socket.cancelFind).toHaveBeenCalledTimes(1);
    s.socket.emit("find_cancelled", { type: "game:find_cancelled" });
    await expect(s.found).resolves.toEqual({ kind: "cancelled" });
  });

  it("when nobody is found in time or the service refuses, then the search ends with that", async () => {
    const late = search();
    late.socket.emit("no_opponent", { type: "game:no_opponent", waited_seconds: 60 });
    await expect(late.found).resolves.toEqual({ kind: "no_opponent", waitedSeconds: 60 });
    const refused = search();
    refused.socket.emit("server_error", { type: "error", code: "ALREADY_IN_GAME", message: "finish your game first" });
    await expect(refused.found).resolves.toEqual({ kind: "refused", code: "ALREADY_IN_GAME", message: "finish your game first" });
  });
});
