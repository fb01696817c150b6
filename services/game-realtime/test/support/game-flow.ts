import request from "supertest";
import type { TestInstance } from "./instance";
import type { TestUser } from "./tokens";
import type { TestSocket } from "./ws-client";

/** Player 1 creates a game over HTTP and player 2 joins it; returns the game id. */
export async function createActiveGame(instance: TestInstance, player1: TestUser, player2: TestUser): Promise<string> {
  const created = await request(instance.baseUrl).post("/api/v1/games").set("Authorization", `Bearer ${player1.token}`).send({});
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  const joined = await request(instance.baseUrl).post(`/api/v1/games/${created.body.id}/join`).set("Authorization", `Bearer ${player2.token}`);
  if (joined.status !== 200) throw new Error(`join answered ${joined.status}`);
  return created.body.id as string;
}

/** Both sockets join the game and get its first state. */
export async function joinBoth(gameId: string, a: TestSocket, b: TestSocket): Promise<void> {
  a.send({ type: "game:join", game_id: gameId });
  await a.next("game:state", { where: (m) => m.game_id === gameId });
  b.send({ type: "game:join", game_id: gameId });
  await b.next("game:state", { where: (m) => m.game_id === gameId });
}

/**
 * Plays columns alternately (a = player 1). After every move both sockets must receive the
 * `game:state` of that version. Returns the last version.
 */
export async function playMoves(gameId: string, a: TestSocket, b: TestSocket, columns: number[], firstVersion = 0): Promise<number> {
  let version = firstVersion;
  for (const column of columns) {
    const mover = version % 2 === 0 ? a : b;
    mover.send({ type: "game:action", game_id: gameId, seq: version, action: { column } });
    version++;
    const expected = version;
    await Promise.all([a, b].map((socket) => socket.next("game:state", { where: (m) => m.game_id === gameId && m.version === expected })));
  }
  return version;
}
