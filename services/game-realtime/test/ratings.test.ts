import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { errorBodySchema, leaderboardPageSchema, myRatingSchema } from "@tollgate/contracts";
import { freePort, testInfra, uniqueName, waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { FULL_BOARD_DRAW, VERTICAL_WIN_FOR_PLAYER_1 } from "./connect-four.fixtures";
import { createActiveGame, joinBoth, playMoves } from "./support/game-flow";
import { startInstance, TEST_DATABASE_URL, type TestInstance } from "./support/instance";
import { AUDIENCE, ISSUER, TestTokenIssuer, type TestUser } from "./support/tokens";
import { TestSocket } from "./support/ws-client";

const GRACE_MS = 1_000;

interface RatingRow {
  user_id: string;
  rating: number;
  games: number;
  wins: number;
  losses: number;
  draws: number;
}

describe("ratings: both players once per finished game", () => {
  let issuer: TestTokenIssuer;
  let one: TestInstance;
  let two: TestInstance;
  const sockets: TestSocket[] = [];
  const connect = async (instance: TestInstance, user: TestUser) => {
    const socket = await TestSocket.connect(instance.wsUrl, user.token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    const settings = { graceMs: GRACE_MS, graceSweepIntervalMs: 200 };
    one = await startInstance(issuer, { settings });
    two = await startInstance(issuer, { settings });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await one.stop();
    await two.stop();
    await issuer.stop();
  });

  const ratingsOf = async (...users: TestUser[]): Promise<RatingRow[]> => {
    const rows = (await one.knex("player_ratings").whereIn("user_id", users.map((u) => u.userId))) as RatingRow[];
    return users.map((user) => rows.find((row) => row.user_id === user.userId) as RatingRow);
  };
  const record = (row: RatingRow) => ({ games: row.games, wins: row.wins, losses: row.losses, draws: row.draws });
  const ratedTimes = async (gameId: string) => (await one.knex("game_ratings").where({ game_id: gameId })).length;

  async function startedGame(alice: TestUser, bob: TestUser) {
    const gameId = await createActiveGame(one, alice, bob);
    const [a, b] = [await connect(one, alice), await connect(two, bob)];
    await joinBoth(gameId, a, b);
    return { gameId, a, b };
  }

  it("when a game is won, then the winner gains and the loser loses exactly once, and game:over carries the change", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const { gameId, a, b } = await startedGame(alice, bob);
    await playMoves(gameId, a, b, VERTICAL_WIN_FOR_PLAYER_1);
    for (const socket of [a, b]) expect((await socket.next("game:over", { timeoutMs: 20_000 })).rating_change).toEqual({ player1: 162, player2: -162 });
    const [winner, loser] = await ratingsOf(alice, bob);
    expect(record(winner as RatingRow)).toEqual({ games: 1, wins: 1, losses: 0, draws: 0 });
    expect(record(loser as RatingRow)).toEqual({ games: 1, wins: 0, losses: 1, draws: 0 });
    expect(winner?.rating).toBeCloseTo(1662.3109, 3);
    expect(loser?.rating).toBeCloseTo(1337.6891, 3);
    expect(await ratedTimes(gameId)).toBe(1);
    const me = myRatingSchema.parse((await request(two.baseUrl).get("/api/v1/games/ratings/me").set({ Authorization: `Bearer ${alice.token}` })).body);
    expect(me).toMatchObject({ user_id: alice.userId, rating: 1662, games: 1, wins: 1, rank: expect.any(Number) });
  });

  it("when a game is drawn, then both records count a draw once", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const { gameId, a, b } = await startedGame(alice, bob);
    await playMoves(gameId, a, b, FULL_BOARD_DRAW);
    expect((await a.next("game:over", { timeoutMs: 20_000 })).rating_change).toEqual({ player1: 0, player2: 0 });
    expect((await ratingsOf(alice, bob)).map(record)).toEqual([
      { games: 1, wins: 0, losses: 0, draws: 1 },
      { games: 1, wins: 0, losses: 0, draws: 1 },
    ]);
    expect(await ratedTimes(gameId)).toBe(1);
  });

  it("when a player resigns and then resigns again on the other instance, then the ratings change once", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const { gameId, a, b } = await startedGame(alice, bob);
    await playMoves(gameId, a, b, [0, 1]);
    a.send({ type: "game:resign", game_id: gameId });
    expect(await b.next("game:over", { timeoutMs: 20_000 })).toMatchObject({ result: "player2_won", reason: "resignation", rating_change: { player1: -162, player2: 162 } });
    await expect(two.games.resign.execute(alice.userId, gameId)).rejects.toMatchObject({ code: "GAME_NOT_ACTIVE" });
    expect((await ratingsOf(alice, bob)).map(record)).toEqual([
      { games: 1, wins: 0, losses: 1, draws: 0 },
      { games: 1, wins: 1, losses: 0, draws: 0 },
    ]);
    expect(await ratedTimes(gameId)).toBe(1);
  });

  it("when both instances forfeit the same game at once, then it is forfeited and rated once", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const { gameId, a, b } = await startedGame(alice, bob);
    await playMoves(gameId, a, b, [3, 4]); // before both have moved, a game is aborted instead (aborted-games.test.ts)
    const views = await Promise.all([one.games.forfeit.execute(gameId, bob.userId), two.games.forfeit.execute(gameId, bob.userId)]);
    expect(views.filter((view) => view !== undefined)).toHaveLength(1);
    expect((await ratingsOf(alice, bob)).map(record)).toEqual([
      { games: 1, wins: 1, losses: 0, draws: 0 },
      { games: 1, wins: 0, losses: 1, draws: 0 },
    ]);
    expect(await ratedTimes(gameId)).toBe(1);
  });

  it("when the instance holding a player's socket goes away during the grace period, then the survivor forfeits the game and rates it once", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const doomed = await startInstance(issuer, { settings: { graceMs: GRACE_MS, graceSweepIntervalMs: 200 } });
    const gameId = await createActiveGame(one, alice, bob);
    const a = await connect(one, alice);
    const b = await TestSocket.connect(doomed.wsUrl, bob.token);
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, [3, 4]);
    b.close();
    await a.next("game:opponent_disconnected", { timeoutMs: 20_000 });
    await doomed.stop(); // its timer for bob's deadline dies with it; a sweep elsewhere forfeits
    const over = await a.next("game:over", { timeoutMs: GRACE_MS + 5_000 });
    expect(over).toMatchObject({ result: "player1_won", reason: "forfeit", rating_change: { player1: 162, player2: -162 } });
    expect((await ratingsOf(alice, bob)).map(record)).toEqual([
      { games: 1, wins: 1, losses: 0, draws: 0 },
      { games: 1, wins: 0, losses: 1, draws: 0 },
    ]);
    expect(await ratedTimes(gameId)).toBe(1);
  });

  it("when the instance holding a player's socket is killed (SIGKILL), then the game is forfeited at the deadline and rated once", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    let doomed: ChildProcess | undefined;
    try {
      // The real entry point in a process of its own, so it can die without closing anything.
      const port = await freePort();
      doomed = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "..", "src", "main.ts")], {
        env: {
          ...process.env,
          NODE_ENV: "test",
          LOG_LEVEL: "warn",
          PORT: String(port),
          DATABASE_URL: TEST_DATABASE_URL,
          REDIS_URL: testInfra().redisUrl,
          REDIS_KEY_NAMESPACE: one.redisKeyNamespace,
          KAFKA_BROKERS: testInfra().kafkaBrokers.join(","),
          KAFKA_TOPIC_NAMESPACE: uniqueName("game-rating-crash"),
          AUTH_JWKS_URL: issuer.jwksUrl,
          JWT_ISSUER: ISSUER,
          JWT_AUDIENCE: AUDIENCE,
          INSTANCE_ID: "doomed-rating",
          PRESENCE_TTL_MS: "1000",
          WS_PING_INTERVAL_MS: "300",
        },
        stdio: "ignore",
      });
      const doomedUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${doomedUrl}/health/ready`).catch(() => undefined))?.status === 200, { what: "the child instance to be ready", timeoutMs: 30_000 });
      const gameId = await createActiveGame(one, alice, bob);
      const a = await connect(one, alice);
      const b = await TestSocket.connect(`ws://127.0.0.1:${port}/ws/game`, bob.token);
      await joinBoth(gameId, a, b);
      await playMoves(gameId, a, b, [3, 4]);
      doomed.kill("SIGKILL");
      const over = await a.next("game:over", { timeoutMs: GRACE_MS + 15_000 });
      expect(over).toMatchObject({ game_id: gameId, result: "player1_won", reason: "forfeit", rating_change: { player1: 162, player2: -162 } });
      expect((await ratingsOf(alice, bob)).map(record)).toEqual([
        { games: 1, wins: 1, losses: 0, draws: 0 },
        { games: 1, wins: 0, losses: 1, draws: 0 },
      ]);
      expect(await ratedTimes(gameId)).toBe(1);
    } finally {
      doomed?.kill("SIGKILL");
    }
  });
});

describe("the leaderboard", () => {
  let issuer: TestTokenIssuer;
  let instance: TestInstance;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    instance = await startInstance(issuer);
  });

  afterAll(async () => {
    await instance.stop();
    await issuer.stop();
  });

  it("when five players lead (two tied), then pages of two list them by rating, ties by user id, with ranks and a cursor to the end of them", async () => {
    // Above every rating earlier runs left in the test database: this run's players lead.
    const top = Date.now();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const ratings = [top, top - 1, top - 1, top - 2, top - 3];
    await instance.knex("player_ratings").insert(ids.map((user_id, i) => ({ user_id, rating: ratings[i], rating_deviation: 60, volatility: 0.06, games: 10, wins: 5 + i, losses: 5 - i, draws: 0 })));
    await instance.knex("user_directory").insert({ user_id: ids[0], username: `lead_${ids[0]?.slice(0, 8)}`, registered_at: new Date() });
    const expected = [ids[0], ...[ids[1], ids[2]].sort(), ids[3], ids[4]];
    const viewer = issuer.user();
    const get = async (query: Record<string, string>) => request(instance.baseUrl).get("/api/v1/games/leaderboard").query(query).set({ Authorization: `Bearer ${viewer.token}` });

    const seen: { rank: number; user_id: string; username: string | null }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const res = await get({ limit: "2", ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      const body = leaderboardPageSchema.parse(res.body);
      seen.push(...body.data);
      cursor = body.next_cursor;
      expect(cursor).not.toBeNull();
    }
    expect(seen.slice(0, 5).map((row) => row.user_id)).toEqual(expected);
    expect(seen.slice(0, 5).map((row) => row.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(seen[0]?.username).toBe(`lead_${ids[0]?.slice(0, 8)}`);
    expect(seen[1]?.username).toBeNull();
    const best = await request(instance.baseUrl).get("/api/v1/games/ratings/me").set({ Authorization: `Bearer ${issuer.sign({ sub: ids[0] as string, sid: randomUUID() })}` });
    expect(myRatingSchema.parse(best.body)).toMatchObject({ rank: 1, games: 10, rating: Math.round(top) });
  });

  it("when the cursor is not one the list gave out, then 422 VALIDATION_ERROR", async () => {
    const viewer = issuer.user();
    const res = await request(instance.baseUrl).get("/api/v1/games/leaderboard").query({ cursor: "not-a-cursor" }).set({ Authorization: `Bearer ${viewer.token}` });
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
  });

  it("when a player has no finished game, then ratings/me answers the defaults and no rank", async () => {
    const newcomer = issuer.user();
    const res = await request(instance.baseUrl).get("/api/v1/games/ratings/me").set({ Authorization: `Bearer ${newcomer.token}` });
    expect(myRatingSchema.parse(res.body)).toEqual({ user_id: newcomer.userId, username: null, rating: 1500, rating_deviation: 350, games: 0, wins: 0, losses: 0, draws: 0, rank: null });
  });
});
