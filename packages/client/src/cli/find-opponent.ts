import { createInterface } from "node:readline";
import type { GameSocket, GameSocketEvents } from "../game-socket";

export type Matched = GameSocketEvents["matched"][0];

/** How a search ended: a match, nobody within the service's timeout, the player stopped it, or a refusal. */
export type FindOutcome = { kind: "matched"; match: Matched } | { kind: "no_opponent"; waitedSeconds: number } | { kind: "cancelled" } | { kind: "refused"; code: string; message: string };

export interface FindIo {
  input: NodeJS.ReadableStream;
  write(text: string): void;
  /** Registers the Ctrl-C handler for the search; returns its removal. */
  onInterrupt(handler: () => void): () => void;
}

const processIo: FindIo = {
  input: process.stdin,
  write: (text) => process.stdout.write(text),
  onInterrupt: (handler) => {
    process.once("SIGINT", handler);
    return () => process.off("SIGINT", handler);
  },
};

/**
 * Queues the player for a match on a connected socket and waits: `q` + Enter or Ctrl-C leaves the
 * queue (`game:find_cancel`, then the service's `game:find_cancelled`, or 3 s). Says what happens
 * on the way: the rating the player queued with, and anything else typed meanwhile.
 */
export async function findOpponent(socket: GameSocket, io: FindIo = processIo): Promise<FindOutcome> {
  const input = createInterface({ input: io.input, terminal: false });
  const listeners: (() => void)[] = [];
  const on = <K extends keyof GameSocketEvents>(event: K, listener: (...args: GameSocketEvents[K]) => void) => {
    socket.on(event, listener as never);
    listeners.push(() => socket.off(event, listener as never));
  };
  try {
    return await new Promise<FindOutcome>((resolve) => {
      let cancelling = false;
      const cancel = () => {
        if (cancelling) return;
        cancelling = true;
        io.write("\nleaving the queue…\n");
        socket.cancelFind();
        setTimeout(() => resolve({ kind: "cancelled" }), 3_000).unref();
      };
      listeners.push(io.onInterrupt(cancel));
      input.on("line", (line) => (line.trim().toLowerCase() === "q" ? cancel() : io.write("still looking for an opponent… (q and Enter to stop)\n")));
      on("queued", (queued) => io.write(`in the queue with rating ${Math.round(queued.rating)}; q and Enter (or Ctrl-C) to stop\n`));
      on("matched", (match) => resolve({ kind: "matched", match }));
      on("no_opponent", (event) => resolve({ kind: "no_opponent", waitedSeconds: event.waited_seconds }));
      on("find_cancelled", () => resolve({ kind: "cancelled" }));
      on("server_error", (error) => resolve({ kind: "refused", code: error.code, message: error.message }));
      io.write("looking for an opponent…\n");
      socket.find();
    });
  } finally {
    for (const remove of listeners) remove();
    input.close();
  }
}
