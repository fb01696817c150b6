import { randomUUID } from "node:crypto";
import { errorBodySchema, matchmakingQueuedSchema, matchmakingStatusSchema } from "@tollgate/contracts";
import { createDatabase, createRedis } from "@tollgate/service-kit";
import { testInfra, waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { KnexGameStore } from "../src/data/knex-game.store";
import { RedisMatchmakingQueue } from "../src/data/redis-matchmaking.queue";
import { DEFAULT_GAME_KIND } from "../src/domain/game-rules.registry";
import { PairPlayersUseCase } from "../src/domain/pair-players.use-case";
import { DEFAULT_MATCHMAKING } from "../src/app";
import { createActiveGame } from "./support/game-flow";
import { migrateTestDatabase, quietLogger, startInstance, TEST_DATABASE_URL, type TestInstance } from "./support/instance";
import { TestTokenIssuer, type TestUser } from "./support/tokens";
import { TestSocket } from "./support/ws-client";
import { useTwoInstances } from "./support/two-instances";

describe("matchmaking across two instances", () => {
  const keyPrefix = `game:mm-test-${randomUUID().slice(0, 8)}:`;
  const setup = useTwoInstances({ matchmaking: { keyPrefix }, maxConnectionsPerUser: 3 });
  const { connect } = setup;
  const queued = (userId: string) => setup.one.redis.zscore(`${keyPrefix}queue`, userId);


  it("when 100 players queue, half on each instance, then exactly 50 games are made, each player is in exactly one, and nobody is left queued", async () => {
    const players = Array.from({ length: 100 }, () => setup.issuer.user());
    const connected = await Promise.all(players.map((player, i) => connect(i % 2 === 0 ? setup.one : setup.two, player)));
    for (const socket of connected) socket.send({ type: "game:find" });
    await Promise.all(connected.map((socket) => socket.next("game:queued", { timeoutMs: 20_000 })));
    const matched = await Promise.all(connected.map((socket) => socket.next("game:matched", { timeoutMs: 15_000 })));

    const byGame = new Map<string, string[]>();
    matched.forEach((message, i) => byGame.set(message.game_id, [...(byGame.get(message.game_id) ?? []), players[i]?.userId as string]));
    expect(byGame.size).toBe(50);
    expect([...byGame.values()].every((members) => members.length === 2)).toBe(true);
    const rows = await setup.one.knex("games").whereIn("id", [...byGame.keys()]);
    expect(rows).toHaveLength(50);
    const seats = rows.flatMap((row: { player1_id: string; player2_id: string }) => [row.player1_id, row.player2_id]);
    expect(new Set(seats).size).toBe(100);
    expect(new Set(seats)).toEqual(new Set(players.map((p) => p.userId)));
    expect(rows.every((row: { status: string }) => row.status === "active")).toBe(true);
    const ids = players.map((p) => p.userId);
    expect(await setup.one.knex("games").whereIn("player1_id", ids).orWhereIn("player2_id", ids)).toHaveLength(50);
    // Each side is told who the other is and which seat it has.
    matched.forEach((message, i) => {
      const row = rows.find((game: { id: string }) => game.id === message.game_id) as { player1_id: string; player2_id: string };
      const me = players[i]?.userId;
      expect(message.you_are).toBe(row.player1_id === me ? "player1" : "player2");
      expect(message.opponent.user_id).toBe(row.player1_id === me ? row.player2_id : row.player1_id);
    });
    // Nobody got a second match while the sockets stayed open.
    await setup.one.redis.ping();
    expect(connected.every((socket) => socket.ofType("game:matched").length === 1)).toBe(true);
    expect(await setup.one.redis.zcard(`${keyPrefix}queue`)).toBe(0);
  });

  it("when a matched player joins the game, then it is active with both seats taken and player 1 moves first", async () => {
    const [alice, bob] = [setup.issuer.user(), setup.issuer.user()];
    const [a, b] = [await connect(setup.one, alice), await connect(setup.two, bob)];
    a.send({ type: "game:find" });
    await a.next("game:queued", { timeoutMs: 20_000 });
    b.send({ type: "game:find" });
    const [ma, mb] = await Promise.all([a.next("game:matched", { timeoutMs: 20_000 }), b.next("game:matched", { timeoutMs: 20_000 })]);
    expect(ma.game_id).toBe(mb.game_id);
    expect(ma.opponent).toEqual({ user_id: bob.userId, username: null, rating: 1500 });
    expect(new Set([ma.you_are, mb.you_are])).toEqual(new Set(["player1", "player2"]));
    a.send({ type: "game:join", game_id: ma.game_id });
    expect(await a.next("game:state", { timeoutMs: 20_000 })).toMatchObject({ game_id: ma.game_id, status: "active", your_turn: ma.you_are === "player1", version: 0 });
  });

  it("when a queued player sends game:find_cancel, then game:find_cancelled and they are out of the queue", async () => {
    const alice = setup.issuer.user();
    const socket = await connect(setup.one, alice);
    socket.send({ type: "game:find" });
    expect(await socket.next("game:queued", { timeoutMs: 20_000 })).toMatchObject({ rating: 1500 });
    expect(await queued(alice.userId)).not.toBeNull();
    socket.send({ type: "game:find_cancel" });
    await socket.next("game:find_cancelled", { timeoutMs: 20_000 });
    expect(await queued(alice.userId)).toBeNull();
  });

  it("when a queued player's socket closes, then they leave the queue", async () => {
    const alice = setup.issuer.user();
    const socket = await connect(setup.two, alice);
    socket.send({ type: "game:find" });
    await socket.next("game:queued", { timeoutMs: 20_000 });
    socket.close();
    await waitFor(async () => (await queued(alice.userId)) === null, { what: "the closed socket's player to leave the queue", timeoutMs: 20_000 });
    expect(await queued(alice.userId)).toBeNull();
  });

  it("when a queued player sends game:find again, or a player with an active game sends it, then error ALREADY_QUEUED / ALREADY_IN_GAME", async () => {
    const [alice, bob, carol] = [setup.issuer.user(), setup.issuer.user(), setup.issuer.user()];
    const a = await connect(setup.one, alice);
    a.send({ type: "game:find" });
    await a.next("game:queued", { timeoutMs: 20_000 });
    a.send({ type: "game:find" });
    expect(await a.next("error", { timeoutMs: 20_000 })).toMatchObject({ code: "ALREADY_QUEUED", ref: "game:find" });
    a.send({ type: "game:find_cancel" });
    await a.next("game:find_cancelled", { timeoutMs: 20_000 });
    await createActiveGame(setup.one, bob, carol);
    const b = await connect(setup.two, bob);
    b.send({ type: "game:find" });
    expect(await b.next("error", { timeoutMs: 20_000 })).toMatchObject({ code: "ALREADY_IN_GAME" });
    expect(await queued(bob.userId)).toBeNull();
  });

  it("when ratings differ, then the closest ratings are paired and a player beyond the gap keeps waiting", async () => {
    const [low, near, far] = [setup.issuer.user(), setup.issuer.user(), setup.issuer.user()];
    const rating = (user: TestUser, value: number) => ({ user_id: user.userId, rating: value, rating_deviation: 80, volatility: 0.06, games: 5, wins: 3, losses: 2, draws: 0 });
    await setup.one.knex("player_ratings").insert([rating(low, 1400), rating(near, 1460), rating(far, 1800)]);
    const [sLow, sNear, sFar] = [await connect(setup.one, low), await connect(setup.two, near), await connect(setup.one, far)];
    sFar.send({ type: "game:find" });
    expect(await sFar.next("game:queued", { timeoutMs: 20_000 })).toMatchObject({ rating: 1800 });
    sLow.send({ type: "game:find" });
    sNear.send({ type: "game:find" });
    const [mLow, mNear] = await Promise.all([sLow.next("game:matched", { timeoutMs: 20_000 }), sNear.next("game:matched", { timeoutMs: 20_000 })]);
    expect(mLow.game_id).toBe(mNear.game_id);
    expect(mLow.opponent).toMatchObject({ user_id: near.userId, rating: 1460 });
    expect(await queued(far.userId)).toBe("1800");
    sFar.send({ type: "game:find_cancel" });
    await sFar.next("game:find_cancelled", { timeoutMs: 20_000 });
  });

  it("when players use the REST twin, then 202 queued, GET answers queued and then matched with the same game for both, and DELETE leaves the queue", async () => {
    const [alice, bob, carol] = [setup.issuer.user(), setup.issuer.user(), setup.issuer.user()];
    const auth = (user: TestUser) => ({ Authorization: `Bearer ${user.token}` });
    const post = await request(setup.one.baseUrl).post("/api/v1/games/matchmaking").set(auth(alice));
    expect(post.status).toBe(202);
    expect(matchmakingQueuedSchema.parse(post.body)).toMatchObject({ status: "queued", rating: 1500 });
    expect(matchmakingStatusSchema.parse((await request(setup.two.baseUrl).get("/api/v1/games/matchmaking").set(auth(alice))).body)).toEqual({ status: "queued" });
    const again = await request(setup.two.baseUrl).post("/api/v1/games/matchmaking").set(auth(alice));
    expect(again.status).toBe(409);
    expect(errorBodySchema.parse(again.body).error_code).toBe("ALREADY_QUEUED");
    expect((await request(setup.two.baseUrl).post("/api/v1/games/matchmaking").set(auth(bob))).status).toBe(202);
    const status = async (user: TestUser) => matchmakingStatusSchema.parse((await request(setup.one.baseUrl).get("/api/v1/games/matchmaking").set(auth(user))).body);
    const aliceMatched = await waitFor(async () => {
      const s = await status(alice);
      return s.status === "matched" ? s : undefined;
    }, { timeoutMs: 20_000, what: "alice to be matched" });
    expect(await status(bob)).toEqual(aliceMatched);

    expect((await request(setup.one.baseUrl).post("/api/v1/games/matchmaking").set(auth(carol))).status).toBe(202);
    expect((await request(setup.two.baseUrl).delete("/api/v1/games/matchmaking").set(auth(carol))).status).toBe(204);
    expect(await status(carol)).toEqual({ status: "idle" });
    expect(await queued(carol.userId)).toBeNull();
  });
});

describe("matchmaking timeout", () => {
  const keyPrefix = `game:mm-test-${randomUUID().slice(0, 8)}:`;
  let issuer: TestTokenIssuer;
  let instance: TestInstance;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    instance = await startInstance(issuer, { settings: { matchmaking: { keyPrefix, timeoutMs: 1_000 } } });
  });

  afterAll(async () => {
    await instance.stop();
    await issuer.stop();
  });

  it("when nobody is paired with a queued player within the timeout, then game:no_opponent and they leave the queue", async () => {
    const alice = issuer.user();
    const socket = await TestSocket.connect(instance.wsUrl, alice.token);
    try {
      socket.send({ type: "game:find" });
      await socket.next("game:queued", { timeoutMs: 20_000 });
      const notice = await socket.next("game:no_opponent", { timeoutMs: 10_000 });
      expect(notice.waited_seconds).toBeGreaterThanOrEqual(1);
      expect(await instance.redis.zscore(`${keyPrefix}queue`, alice.userId)).toBeNull();
      const status = await request(instance.baseUrl).get("/api/v1/games/matchmaking").set({ Authorization: `Bearer ${alice.token}` });
      expect(status.body).toEqual({ status: "idle" });
    } finally {
      socket.close();
    }
  });
});

describe("matchmaking when the game cannot be made", () => {
  it("when Postgres refuses the paired game, then no match is announced and both players are queued again", async () => {
    const logger = quietLogger();
    await migrateTestDatabase(logger);
    const knex = createDatabase({ url: TEST_DATABASE_URL, logger });
    await knex.destroy(); // every query now fails, as with the database gone
    const redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger, name: "pair-failure-test" });
    const keyPrefix = `game:mm-test-${randomUUID().slice(0, 8)}:`;
    try {
      const queue = new RedisMatchmakingQueue(redis, 60_000, keyPrefix);
      const pair = new PairPlayersUseCase({ store: new KnexGameStore(knex), queue, defaultKind: DEFAULT_GAME_KIND, timeoutMs: 60_000, window: DEFAULT_MATCHMAKING.window, logger });
      const [alice, bob] = [randomUUID(), randomUUID()];
      await queue.enqueue(alice, 1500, new Date());
      await queue.enqueue(bob, 1500, new Date());
      expect((await pair.execute()).matches).toEqual([]);
      expect(await redis.zrange(`${keyPrefix}queue`, 0, -1)).toEqual(expect.arrayContaining([alice, bob]));
      expect((await queue.status(alice)).status).toBe("queued");
    } finally {
      await redis.del(`${keyPrefix}queue`);
      redis.disconnect();
    }
  });
});
