/**
 * The Colyseus side of bench/game.ts: its process (bench/colyseus-server.ts) and its players, on
 * Colyseus's own client. A pair's first player creates a `connect_four` room and the second joins
 * it by id; the pair's games are the room's rounds ("0", "1", …), and a change reaches a player as
 * a state patch, whose move count is the version.
 */
import type { ChildProcess } from "node:child_process";
import { Client, type Room } from "colyseus.js";
import { idleCost, inBatches, sleep, startChild } from "./children";
import { makePair, type Pair, type PlayerLink } from "./play";

interface RoomState {
  round: number;
  moves: number;
}

export const startColyseus = (port: number): Promise<ChildProcess> => startChild(["bench/colyseus-server.ts"], { PORT: String(port) }, async (output) => output.includes("listening"));

const roomPlayer = (room: Room<RoomState>): PlayerLink => ({
  move: (gameId, seq, column) => room.send("move", { round: Number(gameId), seq, column }),
  close: () => room.connection.close(),
});

/** KB per idle connection: each one a player waiting in a room (joinOrCreate, two to a room). */
export function colyseusIdleCost(port: number, pid: number, count: number): Promise<number> {
  const client = new Client(`ws://127.0.0.1:${port}`);
  return idleCost("colyseus", pid, count, async () => {
    const room = await client.joinOrCreate<RoomState>("connect_four");
    return { isOpen: () => room.connection.isOpen, close: () => room.connection.close() };
  });
}

export async function setUpColyseus(port: number, games: number): Promise<Pair[]> {
  const client = new Client(`ws://127.0.0.1:${port}`);
  const pairs = await inBatches(games, 50, async () => {
    const first = await client.create<RoomState>("connect_four");
    const second = await client.joinById<RoomState>(first.roomId);
    // Rounds cost the room nothing to prepare: enough that no pair runs out, whatever the rate.
    const pair = makePair([roomPlayer(first), roomPlayer(second)], Array.from({ length: 1_000 }, (_, round) => String(round)));
    [first, second].forEach((room, index) => {
      room.onMessage("error", (message: { code: string }) => process.stdout.write(`  error ${message.code}\n`));
      room.onStateChange((state) => pair.onChange?.(String(state.round), state.moves, index as 0 | 1));
    });
    return pair;
  });
  await sleep(500);
  process.stdout.write(`  ${games} rooms, ${games * 2} players joined\n`);
  return pairs;
}
