/** The bare relay's side of bench/game.ts: its process (bench/bare-relay.ts) and its pairs. */
import type { ChildProcess } from "node:child_process";
import { WebSocket } from "ws";
import { idleCost, inBatches, open, sleep, startChild } from "./children";
import { makePair, wsPlayer, type Pair } from "./play";

export const startRelay = (port: number): Promise<ChildProcess> => startChild(["bench/bare-relay.ts"], { PORT: String(port) }, async (output) => output.includes("listening"));

/** KB per idle connection: a socket that has not joined a pair. */
export function relayIdleCost(port: number, pid: number, count: number): Promise<number> {
  return idleCost("bare relay", pid, count, async () => {
    const ws = await open(`ws://127.0.0.1:${port}`);
    return { isOpen: () => ws.readyState === WebSocket.OPEN, close: () => ws.terminate() };
  });
}

/** The relay's pairs: the relay passes the action on, whose seq + 1 is the version it makes. */
export async function setUpRelay(port: number, games: number, to: "opponent" | "both"): Promise<Pair[]> {
  const pairs = await inBatches(games, 100, async (i) => {
    const sockets = [await open(`ws://127.0.0.1:${port}`), await open(`ws://127.0.0.1:${port}`)] as const;
    const pair = makePair(
      [wsPlayer(sockets[0]), wsPlayer(sockets[1])],
      // Games cost the relay nothing: enough that no pair runs out, whatever the rate.
      Array.from({ length: 1_000 }, (_, round) => `${to}-${i}-${round}`),
    );
    sockets.forEach((ws, index) => {
      ws.send(JSON.stringify({ join: `${to}-${i}`, to }));
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as { game_id: string; seq: number };
        pair.onChange?.(message.game_id, message.seq + 1, index as 0 | 1);
      });
    });
    return pair;
  });
  await sleep(500);
  return pairs;
}
