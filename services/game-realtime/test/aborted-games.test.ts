import { randomUUID } from "node:crypto";
import { gameSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { createActiveGame, joinBoth, playMoves } from "./support/game-flow";
import type { TestUser } from "./support/tokens";
import { useTwoInstances } from "./support/two-instances";

const GRACE_MS = 1_000;

describe("games nobody plays: aborted before both players have moved, forfeited after", () => {
  const keyPrefix = `game:mm-test-${randomUUID().slice(0, 8)}:`;
  const setup = useTwoInstances({ graceMs: GRACE_MS, graceSweepIntervalMs: 200, matchmaking: { keyPrefix } });
  const { connect } = setup;
  const auth = (user: TestUser) => ({ Authorization: `Bearer ${user.token}` });


  const finished = (gameId: string) =>
    waitFor(async () => {
      const row = await setup.one.knex("games").where({ id: gameId }).first();
      return row?.status === "finished" ? (row as { result: string | null; end_reason: string }) : undefined;
    }, { what: `game ${gameId} to finish`, timeoutMs: GRACE_MS + 15_000 });
  const ratingRows = (...users: TestUser[]) => setup.one.knex("player_ratings").whereIn("user_id", users.map((user) => user.userId));
  const ratedTimes = async (gameId: string) => (await setup.one.knex("game_ratings").where({ game_id: gameId })).length;

  it("when a player queued by REST never opens a socket and the other closes without game:join, then the game is aborted, unrated, and both may look for a game again", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    expect((await request(setup.one.baseUrl).post("/api/v1/games/matchmaking").set(auth(alice))).status).toBe(202);
    const b = await connect(setup.two, bob);
    b.send({ type: "game:find" });
    const matched = await b.next("game:matched", { timeoutMs: 20_000 });
    b.close();
    expect(await finished(matched.game_id)).toMatchObject({ result: null, end_reason: "aborted" });
    const game = gameSchema.parse((await request(setup.one.baseUrl).get(`/api/v1/games/${matched.game_id}`).set(auth(alice))).body);
    expect(game).toMatchObject({ status: "finished", result: null, end_reason: "aborted" });
    expect(await ratingRows(alice, bob)).toEqual([]);
    expect(await ratedTimes(matched.game_id)).toBe(0);
    for (const user of [alice, bob]) {
      expect((await request(setup.two.baseUrl).post("/api/v1/games/matchmaking").set(auth(user))).status).toBe(202);
      expect((await request(setup.two.baseUrl).delete("/api/v1/games/matchmaking").set(auth(user))).status).toBe(204);
    }
  });

  it("when a matched player joins and the other never does, then the joined one gets game:over aborted with no result and no rating change", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    a.send({ type: "game:find" });
    await a.next("game:queued", { timeoutMs: 20_000 });
    b.send({ type: "game:find" });
    const matched = await a.next("game:matched", { timeoutMs: 20_000 });
    a.send({ type: "game:join", game_id: matched.game_id });
    await a.next("game:state", { timeoutMs: 20_000 });
    expect(await a.next("game:over", { timeoutMs: GRACE_MS + 15_000 })).toEqual({ type: "game:over", game_id: matched.game_id, result: null, reason: "aborted" });
    expect(a.ofType("game:opponent_disconnected")).toEqual([]); // bob never joined; he did not "disconnect"
    expect(await ratingRows(alice, bob)).toEqual([]);
  });

  it("when two matched players never send game:join, then the sockets that got game:matched each get game:over aborted once (issue: REST showed it aborted at +60 s, the sockets heard nothing)", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    a.send({ type: "game:find" });
    await a.next("game:queued", { timeoutMs: 20_000 });
    b.send({ type: "game:find" });
    const matched = await a.next("game:matched", { timeoutMs: 20_000 });
    await b.next("game:matched", { timeoutMs: 20_000 });
    const expected = { type: "game:over", game_id: matched.game_id, result: null, reason: "aborted" };
    expect(await a.next("game:over", { timeoutMs: GRACE_MS + 15_000 })).toEqual(expected);
    expect(await b.next("game:over", { timeoutMs: GRACE_MS + 15_000 })).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    expect([a.ofType("game:over").length, b.ofType("game:over").length]).toEqual([1, 1]);
  });

  it("when one matched player joins and the other only got game:matched, then each socket gets game:over aborted exactly once (the joined one through the game, the other as a notice)", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    a.send({ type: "game:find" });
    await a.next("game:queued", { timeoutMs: 20_000 });
    b.send({ type: "game:find" });
    const matched = await a.next("game:matched", { timeoutMs: 20_000 });
    a.send({ type: "game:join", game_id: matched.game_id });
    await a.next("game:state", { timeoutMs: 20_000 });
    const expected = { type: "game:over", game_id: matched.game_id, result: null, reason: "aborted" };
    expect(await b.next("game:over", { timeoutMs: GRACE_MS + 15_000 })).toEqual(expected);
    expect(await a.next("game:over", { timeoutMs: GRACE_MS + 15_000 })).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    expect([a.ofType("game:over").length, b.ofType("game:over").length]).toEqual([1, 1]);
  });

  it("when both players leave at the same moment before any move, then the game is aborted and neither rating changes", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const gameId = await createActiveGame(setup.one, alice, bob);
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    await joinBoth(gameId, a, b);
    a.close();
    b.close();
    expect(await finished(gameId)).toMatchObject({ result: null, end_reason: "aborted" });
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS)); // the second deadline passes too
    expect(await ratingRows(alice, bob)).toEqual([]);
    expect(await ratedTimes(gameId)).toBe(0);
  });

  it("when only player 1 has moved and player 2 leaves for good, then the game is aborted, unrated", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const gameId = await createActiveGame(setup.one, alice, bob);
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, [3]);
    b.close();
    expect(await a.next("game:over", { timeoutMs: GRACE_MS + 15_000 })).toMatchObject({ result: null, reason: "aborted" });
    expect(await ratedTimes(gameId)).toBe(0);
  });

  it("when both have moved and both leave, one after the other, then the first whose grace runs out forfeits and the game is rated once", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const gameId = await createActiveGame(setup.one, alice, bob);
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, [3, 4]);
    b.close(); // bob (player 2) leaves first, so his deadline comes first
    await a.next("game:opponent_disconnected", { timeoutMs: 20_000 });
    a.close();
    expect(await finished(gameId)).toMatchObject({ result: "player1_won", end_reason: "forfeit" });
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 500)); // alice's deadline passes too: nothing more happens
    expect(await setup.one.knex("games").where({ id: gameId }).first()).toMatchObject({ result: "player1_won", end_reason: "forfeit" });
    expect(await ratedTimes(gameId)).toBe(1);
    const rows = (await ratingRows(alice, bob)) as { user_id: string; games: number; wins: number; losses: number }[];
    expect(rows.find((row) => row.user_id === alice.userId)).toMatchObject({ games: 1, wins: 1, losses: 0 });
    expect(rows.find((row) => row.user_id === bob.userId)).toMatchObject({ games: 1, wins: 0, losses: 1 });
  });
});
