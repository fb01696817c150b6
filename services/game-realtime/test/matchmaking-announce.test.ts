import { randomUUID } from "node:crypto";
import { createLogger } from "@tollgate/service-kit";
import { CaptureTransport, testDatabaseUrl, waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { startInstance, type TestInstance } from "./support/instance";
import { TestTokenIssuer, type TestUser } from "./support/tokens";
import { TestSocket } from "./support/ws-client";

/**
 * `game:matched` (and GET /games/matchmaking's `matched`) only ever names a game committed in the
 * service's database. Reported 2026-12-01: 3 of 13 bursts of 40 finds on the local stack told
 * players of games that answered GAME_NOT_FOUND and 404; those games were in `tollgate_game_test`,
 * made by a test run's instances that shared the stack's Redis keys.
 */
describe("matchmaking announces only games its database has", () => {
  const OTHER_DATABASE_URL = testDatabaseUrl("tollgate_game_other_env_test");
  let issuer: TestTokenIssuer;
  const sockets: TestSocket[] = [];
  const instances: TestInstance[] = [];

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const instance of instances.splice(0)) await instance.stop();
  });

  afterAll(async () => {
    await issuer.stop();
  });

  const start = async (...args: Parameters<typeof startInstance> extends [unknown, ...infer Rest] ? Rest : never) => {
    const instance = await startInstance(issuer, ...args);
    instances.push(instance);
    return instance;
  };
  const connect = async (instance: TestInstance, user: TestUser) => {
    const socket = await TestSocket.connect(instance.wsUrl, user.token);
    sockets.push(socket);
    return socket;
  };
  const findBoth = async (instance: TestInstance, users: TestUser[]) => {
    const connected = await Promise.all(users.map((user) => connect(instance, user)));
    for (const socket of connected) socket.send({ type: "game:find" });
    await Promise.all(connected.map((socket) => socket.next("game:queued")));
    return connected;
  };
  const gamesOf = (instance: TestInstance, users: TestUser[]) =>
    instance.knex("games").whereIn("player1_id", users.map((u) => u.userId)).orWhereIn("player2_id", users.map((u) => u.userId));
  /** A trigger on `games` in the test database that acts on inserts for this user only (other files share the database). */
  const withTrigger = async (instance: TestInstance, userId: string, body: string, work: () => Promise<void>) => {
    const name = `t_${randomUUID().replace(/-/g, "")}`;
    await instance.knex.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NEW; END $$`);
    await instance.knex.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON games FOR EACH ROW WHEN (NEW.player1_id = '${userId}' OR NEW.player2_id = '${userId}') EXECUTE FUNCTION ${name}()`);
    try {
      await work();
    } finally {
      await instance.knex.raw(`DROP TRIGGER IF EXISTS ${name} ON games`);
      await instance.knex.raw(`DROP FUNCTION IF EXISTS ${name}()`);
    }
  };

  it("when an instance on another database shares the Redis keys and pairs our queued players, then they are not told game:matched, GET says they are queued, and they are queued again", async () => {
    const namespace = `shared-${randomUUID().slice(0, 8)}`;
    const capture = new CaptureTransport();
    // Ours never pairs anyone (no rating gap is below -1): the other environment takes every pair.
    const ours = await start({ settings: { redisKeyNamespace: namespace, matchmaking: { window: { base: -1, step: 0, stepMs: 1_000 } } }, logger: createLogger({ service: "game-test", level: "warn", transports: [capture] }) });
    const other = await start({ settings: { redisKeyNamespace: namespace }, databaseUrl: OTHER_DATABASE_URL });
    const users = [issuer.user(), issuer.user()];
    const connected = await findBoth(ours, users);
    // The other environment really made their game (the defect's cause), in its database only.
    await waitFor(async () => (await gamesOf(other, users)).length > 0, { what: "the other environment to pair them" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await gamesOf(ours, users)).toHaveLength(0);
    for (const socket of connected) expect(socket.ofType("game:matched")).toEqual([]);
    expect(capture.text()).toContain("game:matched for a game this database does not have");
    for (const user of users) {
      const status = await request(ours.baseUrl).get("/api/v1/games/matchmaking").set("Authorization", `Bearer ${user.token}`);
      expect(status.status).toBe(200);
      expect(status.body.status).not.toBe("matched");
    }
    await waitFor(async () => (await Promise.all(users.map((u) => ours.redis.zscore(`${ours.keys.matchmaking}queue`, u.userId)))).some((score) => score !== null), { what: "a player queued again" });
  });

  it("when an instance on another database runs beside ours with its default keys, then it never takes our players and every game:matched names a game of ours", async () => {
    const ours = await start();
    const other = await start({ databaseUrl: OTHER_DATABASE_URL });
    expect(other.keys.prefix).not.toBe(ours.keys.prefix);
    const users = [issuer.user(), issuer.user()];
    const connected = await findBoth(ours, users);
    const matched = await Promise.all(connected.map((socket) => socket.next("game:matched")));
    expect(matched[0]?.game_id).toBe(matched[1]?.game_id);
    for (const user of users) {
      const game = await request(ours.baseUrl).get(`/api/v1/games/${matched[0]?.game_id}`).set("Authorization", `Bearer ${user.token}`);
      expect(game.status).toBe(200);
    }
    expect(await gamesOf(other, users)).toHaveLength(0);
  });

  it("when the game's insert fails, then nobody is told game:matched, a warning is logged, both stay queued, and once inserts work they are matched into a game that exists", async () => {
    const capture = new CaptureTransport();
    const instance = await start({ logger: createLogger({ service: "game-test", level: "warn", transports: [capture] }) });
    const users = [issuer.user(), issuer.user()];
    let connected: TestSocket[] = [];
    await withTrigger(instance, users[0]?.userId as string, "RAISE EXCEPTION 'injected: game insert fails';", async () => {
      connected = await findBoth(instance, users);
      await waitFor(async () => capture.text().includes("matched pair's game could not be made; both players are queued again"), { what: "the failed creation's warning" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const socket of connected) expect(socket.ofType("game:matched")).toEqual([]);
      for (const user of users) {
        const status = await request(instance.baseUrl).get("/api/v1/games/matchmaking").set("Authorization", `Bearer ${user.token}`);
        expect(status.body).toMatchObject({ status: "queued" });
      }
      expect(await gamesOf(instance, users)).toHaveLength(0);
    });
    const matched = await Promise.all(connected.map((socket) => socket.next("game:matched")));
    for (const socket of connected) socket.send({ type: "game:join", game_id: matched[0]?.game_id });
    await Promise.all(connected.map((socket) => socket.next("game:state")));
    for (const socket of connected) expect(socket.ofType("error")).toEqual([]);
  });

  it("when the game's insert is slow (1 s), then game:matched comes only after it committed: GET of the game answers 200 the moment it arrives", async () => {
    const instance = await start();
    const users = [issuer.user(), issuer.user()];
    await withTrigger(instance, users[0]?.userId as string, "PERFORM pg_sleep(1);", async () => {
      const connected = await findBoth(instance, users);
      const began = Date.now();
      const matched = await Promise.all(
        connected.map(async (socket, i) => {
          const message = await socket.next("game:matched");
          const game = await request(instance.baseUrl).get(`/api/v1/games/${message.game_id}`).set("Authorization", `Bearer ${users[i]?.token}`);
          return { message, status: game.status };
        }),
      );
      expect(Date.now() - began).toBeGreaterThanOrEqual(900);
      expect(matched.map((m) => m.status)).toEqual([200, 200]);
    });
  });

  it("when a pairing has taken the players and is still making their game, then GET says queued until the game commits, then matched (it said idle in between, seen under load)", async () => {
    const instance = await start();
    const users = [issuer.user(), issuer.user()];
    const ask = async (user: TestUser) => (await request(instance.baseUrl).get("/api/v1/games/matchmaking").set("Authorization", `Bearer ${user.token}`)).body as Record<string, unknown>;
    await withTrigger(instance, users[0]?.userId as string, "PERFORM pg_sleep(2);", async () => {
      const connected = await findBoth(instance, users);
      const taken = async () => (await Promise.all(users.map(async (u) => [await instance.redis.zscore(`${instance.keys.matchmaking}queue`, u.userId), await instance.redis.get(`${instance.keys.matchmaking}matched:${u.userId}`)]))).every(([score, matched]) => score === null && matched === "pending");
      await waitFor(taken, { what: "the pairing to take both players" });
      const during = await Promise.all(users.map(ask));
      expect(await taken()).toBe(true);
      expect(during).toEqual([{ status: "queued" }, { status: "queued" }]);
      const matched = await Promise.all(connected.map((socket) => socket.next("game:matched")));
      for (const user of users) expect(await ask(user)).toEqual({ status: "matched", game_id: matched[0]?.game_id });
    });
  });

  it("when 40 players on two instances send game:find at once (node t10.js 40), then each is told exactly one game, it exists for both players, and every game:join is answered with its state", async () => {
    const one = await start();
    const two = await start();
    const users = Array.from({ length: 40 }, () => issuer.user());
    const connected = await Promise.all(users.map((user, i) => connect(i % 2 === 0 ? one : two, user)));
    for (const socket of connected) socket.send({ type: "game:find" });
    const matched = await Promise.all(connected.map((socket) => socket.next("game:matched", { timeoutMs: 15_000 })));
    expect(new Set(matched.map((m) => m.game_id)).size).toBe(20);
    const statuses = await Promise.all(matched.map((m, i) => request(one.baseUrl).get(`/api/v1/games/${m.game_id}`).set("Authorization", `Bearer ${users[i]?.token}`)));
    expect(statuses.map((s) => s.status)).toEqual(Array(40).fill(200));
    connected.forEach((socket, i) => socket.send({ type: "game:join", game_id: matched[i]?.game_id }));
    await Promise.all(connected.map((socket, i) => socket.next("game:state", { where: (m) => m.game_id === matched[i]?.game_id, timeoutMs: 10_000 })));
    await one.redis.ping();
    for (const socket of connected) {
      expect(socket.ofType("error")).toEqual([]);
      expect(socket.ofType("game:matched")).toHaveLength(1);
    }
  });
});
