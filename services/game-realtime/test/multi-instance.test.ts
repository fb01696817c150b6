import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { FULL_BOARD_DRAW, VERTICAL_WIN_FOR_PLAYER_1 } from "./connect-four.fixtures";
import { createActiveGame, joinBoth, playMoves } from "./support/game-flow";
import { startInstance, TEST_DATABASE_URL, type TestInstance } from "./support/instance";
import { AUDIENCE, ISSUER, TestTokenIssuer } from "./support/tokens";
import { TestSocket } from "./support/ws-client";
import { freePort, testInfra, uniqueName, waitFor } from "@tollgate/test-harness";

const GRACE_MS = 1_000;

describe("two instances, one game", () => {
  let issuer: TestTokenIssuer;
  let one: TestInstance;
  let two: TestInstance;
  const sockets: TestSocket[] = [];
  const connect = async (instance: TestInstance, token: string) => {
    const socket = await TestSocket.connect(instance.wsUrl, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    one = await startInstance(issuer, { settings: { graceMs: GRACE_MS, maxConnectionsPerUser: 3 } });
    two = await startInstance(issuer, { settings: { graceMs: GRACE_MS, maxConnectionsPerUser: 3 } });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await one.stop();
    await two.stop();
    await issuer.stop();
  });

  it("when players on two instances play to a win, then both receive every game:state and the result", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(one, alice, bob);
    const a = await connect(one, alice.token);
    const b = await connect(two, bob.token);
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, VERTICAL_WIN_FOR_PLAYER_1);
    for (const socket of [a, b]) {
      expect(socket.ofType("game:state").map((m) => m.version)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect((await socket.next("game:over")).result).toBe("player1_won");
    }
    expect(b.ofType("game:state").at(-1)?.state).toMatchObject({ winner: 1 });
  });

  it("when players on two instances fill the board, then both receive all 42 states and a draw", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(two, alice, bob);
    const a = await connect(one, alice.token);
    const b = await connect(two, bob.token);
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, FULL_BOARD_DRAW);
    for (const socket of [a, b]) {
      expect(socket.ofType("game:state").map((m) => m.version)).toEqual(Array.from({ length: 43 }, (_, i) => i));
      expect(await socket.next("game:over")).toMatchObject({ result: "draw", reason: "draw" });
    }
  });

  it("when both players are on one instance, then nothing is published until a socket on the other instance joins, which then gets every later state", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(one, alice, bob);
    // A pattern subscription sees every PUBLISH on the channel without counting as a subscriber.
    const observer = one.redis.duplicate();
    const published: string[] = [];
    observer.on("pmessage", (_pattern: string, _channel: string, payload: string) => published.push(payload));
    await observer.psubscribe(one.keys.fanoutChannel(gameId));
    try {
      const a = await connect(one, alice.token);
      const b = await connect(one, bob.token);
      await joinBoth(gameId, a, b);
      const version = await playMoves(gameId, a, b, [0, 1, 0, 1]);
      // Anything instance one published is ahead of these replies.
      await one.redis.ping();
      await observer.ping();
      expect(published).toHaveLength(0);

      const watcher = await connect(two, bob.token);
      watcher.send({ type: "game:join", game_id: gameId });
      expect(await watcher.next("game:state")).toMatchObject({ version, your_turn: false });
      await playMoves(gameId, a, b, [0, 1, 0], version);
      // The watcher is on the other instance: its states come through Redis, after the players' own.
      await watcher.next("game:state", { where: (m) => m.version === 7, timeoutMs: 10_000 });
      expect(watcher.ofType("game:state").map((m) => m.version)).toEqual([4, 5, 6, 7]);
      expect(await watcher.next("game:over")).toMatchObject({ result: "player1_won" });
      expect(published.length).toBeGreaterThanOrEqual(3);
    } finally {
      await observer.quit();
    }
  });

  it("when a player drops and rejoins on the other instance within the grace period, then the game resumes from the latest state", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(one, alice, bob);
    const a = await connect(one, alice.token);
    const b = await connect(two, bob.token);
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, [3, 4]);

    const droppedAt = Date.now();
    a.close();
    const notice = await b.next("game:opponent_disconnected");
    const deadline = Date.parse(notice.grace_until);
    expect(deadline).toBeGreaterThanOrEqual(droppedAt + GRACE_MS - 50);
    expect(deadline).toBeLessThanOrEqual(Date.now() + GRACE_MS + 50);

    const again = await connect(two, alice.token);
    again.send({ type: "game:join", game_id: gameId });
    expect(await again.next("game:state")).toMatchObject({ version: 2, your_turn: true, status: "active" });
    await b.next("game:opponent_reconnected");

    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 300));
    again.send({ type: "game:action", game_id: gameId, seq: 2, action: { column: 3 } });
    expect(await b.next("game:state", { where: (m) => m.version === 3 })).toMatchObject({ status: "active", your_turn: true });
    expect(b.ofType("game:over")).toHaveLength(0);
  });

  it("when a player does not come back before the deadline, then the game ends by forfeit for the opponent", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(one, alice, bob);
    const a = await connect(one, alice.token);
    const b = await connect(two, bob.token);
    await joinBoth(gameId, a, b);
    await playMoves(gameId, a, b, [3, 4]); // before both have moved, the game would be aborted instead

    b.close();
    const notice = await a.next("game:opponent_disconnected");
    const over = await a.next("game:over", { timeoutMs: GRACE_MS + 3_000 });
    expect(over).toEqual({ type: "game:over", game_id: gameId, result: "player1_won", reason: "forfeit", rating_change: { player1: 162, player2: -162 } });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(notice.grace_until) - 20);
    const row = await one.knex("games").where({ id: gameId }).first();
    expect(row).toMatchObject({ status: "finished", result: "player1_won", end_reason: "forfeit" });
  });

  it("when a user's sockets on both instances reach the cap, then one more on either is refused until one closes", async () => {
    const alice = issuer.user();
    const first = await connect(one, alice.token);
    await connect(one, alice.token);
    await connect(two, alice.token);
    const extra = await TestSocket.open(two.wsUrl, { token: alice.token });
    expect((await extra.next("error")).code).toBe("TOO_MANY_CONNECTIONS");
    expect(await extra.closed).toBe(1008);
    first.close();
    await first.closed;
    await waitFor(async () => (await one.redis.zcard(one.keys.userSockets(alice.userId))) === 2, { what: "the closed socket to free its place" });
    await connect(two, alice.token);
  });

  it("when a player still has another socket in the game, then closing one socket does not start a grace period", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(one, alice, bob);
    const a1 = await connect(one, alice.token);
    const a2 = await connect(two, alice.token);
    const b = await connect(two, bob.token);
    await joinBoth(gameId, a1, b);
    a2.send({ type: "game:join", game_id: gameId });
    await a2.next("game:state");
    a1.close();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 500));
    expect(b.ofType("game:opponent_disconnected")).toHaveLength(0);
    expect(b.ofType("game:over")).toHaveLength(0);
  });
});

describe("restart mid-game", () => {
  it("when the instance restarts, then sockets close with 1001, the players get a grace deadline and continue from the persisted moves", async () => {
    const issuer = await new TestTokenIssuer().start();
    let instance = await startInstance(issuer);
    const [alice, bob] = [issuer.user(), issuer.user()];
    const gameId = await createActiveGame(instance, alice, bob);
    let a = await TestSocket.connect(instance.wsUrl, alice.token);
    let b = await TestSocket.connect(instance.wsUrl, bob.token);
    await joinBoth(gameId, a, b);
    const version = await playMoves(gameId, a, b, [0, 1, 0, 1]);
    const boardBefore = b.ofType("game:state").at(-1)?.state;

    const port = instance.port;
    await instance.stop();
    expect(await a.closed).toBe(1001);
    expect(await b.closed).toBe(1001);

    instance = await startInstance(issuer, { port });
    try {
      a = await TestSocket.connect(instance.wsUrl, alice.token);
      b = await TestSocket.connect(instance.wsUrl, bob.token);
      a.send({ type: "game:join", game_id: gameId });
      const resumed = await a.next("game:state");
      expect(resumed).toMatchObject({ version, your_turn: true, status: "active" });
      expect(resumed.state).toEqual(boardBefore);
      // The shutdown gave both players a deadline: Alice learns Bob is not back yet, then that he is.
      expect(Date.parse((await a.next("game:opponent_disconnected")).grace_until)).toBeGreaterThan(Date.now());
      b.send({ type: "game:join", game_id: gameId });
      await b.next("game:state");
      await a.next("game:opponent_reconnected");
      await playMoves(gameId, a, b, [0, 1, 0], version);
      expect(await b.next("game:over")).toMatchObject({ result: "player1_won", reason: "win" });
    } finally {
      a.close();
      b.close();
      await instance.stop();
      await issuer.stop();
    }
  });
});

describe("what an instance that goes away leaves behind", () => {
  it("when the instance that started a grace period goes away, then another instance forfeits the game after the deadline", async () => {
    const issuer = await new TestTokenIssuer().start();
    const survivor = await startInstance(issuer, { settings: { graceMs: GRACE_MS, graceSweepIntervalMs: 200 } });
    const doomed = await startInstance(issuer, { settings: { graceMs: GRACE_MS, graceSweepIntervalMs: 200 } });
    const [alice, bob] = [issuer.user(), issuer.user()];
    const a = await TestSocket.connect(survivor.wsUrl, alice.token);
    try {
      const gameId = await createActiveGame(survivor, alice, bob);
      const b = await TestSocket.connect(doomed.wsUrl, bob.token);
      await joinBoth(gameId, a, b);
      await playMoves(gameId, a, b, [3, 4]);
      b.close();
      const notice = await a.next("game:opponent_disconnected");
      await doomed.stop(); // its timer for bob's deadline dies with it
      const over = await a.next("game:over", { timeoutMs: GRACE_MS + 3_000 });
      expect(over).toMatchObject({ result: "player1_won", reason: "forfeit" });
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(notice.grace_until));
      expect(await survivor.redis.exists(survivor.keys.grace(gameId, bob.userId))).toBe(0);
    } finally {
      a.close();
      await survivor.stop();
      await issuer.stop();
    }
  });

  it("when the instance holding a player's socket is killed, then the player's presence ages out, the opponent is told and the game is forfeited at the deadline", async () => {
    const issuer = await new TestTokenIssuer().start();
    const survivor = await startInstance(issuer, { settings: { graceMs: GRACE_MS, graceSweepIntervalMs: 200 } });
    const [alice, bob] = [issuer.user(), issuer.user()];
    let doomed: ChildProcess | undefined;
    const a = await TestSocket.connect(survivor.wsUrl, alice.token);
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
          REDIS_KEY_NAMESPACE: survivor.redisKeyNamespace,
          KAFKA_BROKERS: testInfra().kafkaBrokers.join(","),
          KAFKA_TOPIC_NAMESPACE: uniqueName("game-crash"),
          AUTH_JWKS_URL: issuer.jwksUrl,
          JWT_ISSUER: ISSUER,
          JWT_AUDIENCE: AUDIENCE,
          INSTANCE_ID: "doomed",
          PRESENCE_TTL_MS: "1000",
          WS_PING_INTERVAL_MS: "300",
        },
        stdio: "ignore",
      });
      const doomedUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${doomedUrl}/health/ready`).catch(() => undefined))?.status === 200, { what: "the child instance to be ready", timeoutMs: 30_000 });

      const gameId = await createActiveGame(survivor, alice, bob);
      const b = await TestSocket.connect(`ws://127.0.0.1:${port}/ws/game`, bob.token);
      await joinBoth(gameId, a, b);
      await playMoves(gameId, a, b, [3, 4]);
      const killedAt = Date.now();
      doomed.kill("SIGKILL");

      // Nothing closed bob's socket on the server side: only his presence running out tells.
      const notice = await a.next("game:opponent_disconnected", { timeoutMs: 10_000 });
      expect(Date.parse(notice.grace_until)).toBeGreaterThan(killedAt);
      const over = await a.next("game:over", { timeoutMs: GRACE_MS + 3_000 });
      expect(over).toMatchObject({ game_id: gameId, result: "player1_won", reason: "forfeit" });
      expect(await survivor.knex("games").where({ id: gameId }).first()).toMatchObject({ status: "finished", end_reason: "forfeit" });
      expect(await survivor.redis.zcount(survivor.keys.presence(gameId), "-inf", "+inf")).toBeLessThanOrEqual(1);
    } finally {
      doomed?.kill("SIGKILL");
      a.close();
      await survivor.stop();
      await issuer.stop();
    }
  });
});

