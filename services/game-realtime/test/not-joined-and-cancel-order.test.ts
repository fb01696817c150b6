import request from "supertest";
import { createActiveGame, joinBoth } from "./support/game-flow";
import type { TestUser } from "./support/tokens";
import { useTwoInstances } from "./support/two-instances";

describe("/ws/game: a socket acts only in games it joined; a cancel's answers", () => {
  const setup = useTwoInstances({ maxConnectionsPerUser: 3 });
  const { connect } = setup;
  const auth = (user: TestUser) => ({ Authorization: `Bearer ${user.token}` });
  const gameOf = async (user: TestUser, gameId: string) => (await request(setup.one.baseUrl).get(`/api/v1/games/${gameId}`).set(auth(user))).body as { status: string; version: number };

  it("when a player's socket that has not joined the game sends game:resign, then error NOT_JOINED naming it, and the game goes on untouched", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const gameId = await createActiveGame(setup.one, alice, bob);
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    await joinBoth(gameId, a, b);
    const stranger = await connect(setup.two, alice); // alice's second socket, never joined
    stranger.send({ type: "game:resign", game_id: gameId });
    expect(await stranger.next("error")).toMatchObject({ code: "NOT_JOINED", ref: "game:resign", message: expect.stringContaining(gameId) });
    expect(await gameOf(alice, gameId)).toMatchObject({ status: "active", version: 0 });
    expect([...a.ofType("game:over"), ...b.ofType("game:over")]).toEqual([]);
  });

  it("when a player's socket that has not joined the game sends game:action {column 3} at seq 0, then error NOT_JOINED and no move is made", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const gameId = await createActiveGame(setup.one, alice, bob);
    const stranger = await connect(setup.one, alice);
    stranger.send({ type: "game:action", game_id: gameId, seq: 0, action: { column: 3 } });
    expect(await stranger.next("error")).toMatchObject({ code: "NOT_JOINED", ref: "game:action:0" });
    expect(await gameOf(alice, gameId)).toMatchObject({ status: "active", version: 0 });
    // Once joined, the same message is played and answered.
    stranger.send({ type: "game:join", game_id: gameId });
    await stranger.next("game:state");
    stranger.send({ type: "game:action", game_id: gameId, seq: 0, action: { column: 3 } });
    expect(await stranger.next("game:state", { where: (m) => m.version === 1 })).toMatchObject({ game_id: gameId, version: 1 });
  });

  it("when game_id is sent in upper case (game:join, game:resign), then it is the same game", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const gameId = await createActiveGame(setup.one, alice, bob);
    const a = await connect(setup.one, alice);
    a.send({ type: "game:join", game_id: gameId.toUpperCase() });
    expect(await a.next("game:state")).toMatchObject({ game_id: gameId });
    a.send({ type: "game:resign", game_id: gameId.toUpperCase() });
    expect(await a.next("game:over")).toMatchObject({ game_id: gameId, reason: "resignation" });
  });

  // t23.js: pairs both find, one cancels 0, 20, … 180 ms later.
  it.each([0, 20, 40, 60, 80, 100, 120, 140, 160, 180])("when two players find and one cancels %i ms later, then the canceller gets either find_cancelled and no game, or ALREADY_MATCHED and exactly one game:matched for a game that exists (in either order)", async (delayMs) => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    a.send({ type: "game:find" });
    b.send({ type: "game:find" });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    a.send({ type: "game:find_cancel" });
    const answer = await Promise.race([a.next("game:find_cancelled", { timeoutMs: 10_000 }), a.next("error", { timeoutMs: 10_000 })]);
    await new Promise((resolve) => setTimeout(resolve, 600)); // two pairing passes: a game would be announced by now
    const types = a.received.map((m) => (m.type === "error" ? m.code : m.type));
    if (answer.type === "game:find_cancelled") {
      expect(types).not.toContain("game:matched");
      expect(types).not.toContain("ALREADY_MATCHED");
      expect(b.ofType("game:matched")).toEqual([]);
    } else {
      expect(answer).toMatchObject({ code: "ALREADY_MATCHED", ref: "game:find_cancel" });
      expect(types).not.toContain("game:find_cancelled");
      const matched = a.ofType("game:matched");
      expect(matched).toHaveLength(1);
      expect(await gameOf(alice, matched[0]?.game_id as string)).toMatchObject({ status: "active" });
      expect(b.ofType("game:matched").map((m) => m.game_id)).toEqual([matched[0]?.game_id]);
    }
    // Leave nobody queued for the next case.
    for (const user of [alice, bob]) await request(setup.one.baseUrl).delete("/api/v1/games/matchmaking").set(auth(user));
  });
});
