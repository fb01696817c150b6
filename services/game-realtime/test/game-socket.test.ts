import WebSocket from "ws";
import { errorBodySchema } from "@tollgate/contracts";
import { VERTICAL_WIN_FOR_PLAYER_1 } from "./connect-four.fixtures";
import { createActiveGame, joinBoth, playMoves } from "./support/game-flow";
import { startInstance, type TestInstance } from "./support/instance";
import { TestTokenIssuer } from "./support/tokens";
import { TestSocket } from "./support/ws-client";
import { waitFor } from "@tollgate/test-harness";

describe("/ws/game protocol", () => {
  let issuer: TestTokenIssuer;
  let instance: TestInstance;
  let tight: TestInstance;
  const sockets: TestSocket[] = [];
  const track = (socket: TestSocket) => {
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    instance = await startInstance(issuer);
    tight = await startInstance(issuer, {
      settings: { maxConnectionsPerUser: 2, socket: { ratePerSecond: 1, rateBurst: 5, pingIntervalMs: 200, authTimeoutMs: 400 } },
    });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await instance.stop();
    await tight.stop();
    await issuer.stop();
  });

  describe("authentication and admission", () => {
    it("when the upgrade carries a valid bearer token, then the socket gets auth_ok with the user id", async () => {
      const alice = issuer.user();
      const socket = track(await TestSocket.open(instance.wsUrl, { token: alice.token }));
      expect(await socket.next("auth_ok")).toEqual({ type: "auth_ok", user_id: alice.userId });
    });

    it("when the first message is an auth message with a valid token, then auth_ok", async () => {
      const alice = issuer.user();
      const socket = track(await TestSocket.open(instance.wsUrl));
      socket.send({ type: "auth", token: alice.token });
      expect((await socket.next("auth_ok")).user_id).toBe(alice.userId);
    });

    it("when the token is forged, then auth_error BEARER_TOKEN_INVALID and close 4401", async () => {
      const socket = track(await TestSocket.open(instance.wsUrl));
      socket.send({ type: "auth", token: `${issuer.user().token.slice(0, -4)}AAAA` });
      expect((await socket.next("auth_error")).code).toBe("BEARER_TOKEN_INVALID");
      expect(await socket.closed).toBe(4401);
    });

    it("when the token has expired, then auth_error BEARER_TOKEN_EXPIRED and close 4401", async () => {
      const alice = issuer.user();
      const socket = track(await TestSocket.open(instance.wsUrl, { token: issuer.sign({ sub: alice.userId, sid: alice.sessionId }, { expiresInSeconds: -30 }) }));
      expect((await socket.next("auth_error")).code).toBe("BEARER_TOKEN_EXPIRED");
      expect(await socket.closed).toBe(4401);
    });

    it("when no authentication arrives within 5 s, then auth_error AUTH_TIMEOUT and close 4401", async () => {
      const started = Date.now();
      const socket = track(await TestSocket.open(instance.wsUrl));
      const error = await socket.next("auth_error", { timeoutMs: 7_000 });
      expect(error.code).toBe("AUTH_TIMEOUT");
      expect(await socket.closed).toBe(4401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    });

    it("when the token expires while the socket is open, then auth_error BEARER_TOKEN_EXPIRED and close 4401", async () => {
      const alice = issuer.user();
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.sign({ sub: alice.userId, sid: alice.sessionId }, { expiresInSeconds: 1 })));
      expect((await socket.next("auth_error", { timeoutMs: 3_000 })).code).toBe("BEARER_TOKEN_EXPIRED");
      expect(await socket.closed).toBe(4401);
    });

    it("when a fresh token of the same user arrives before expiry, then the socket outlives the first token", async () => {
      const alice = issuer.user();
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.sign({ sub: alice.userId, sid: alice.sessionId }, { expiresInSeconds: 1 })));
      socket.send({ type: "auth", token: issuer.sign({ sub: alice.userId, sid: alice.sessionId }, { expiresInSeconds: 600 }) });
      await socket.next("auth_ok");
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(socket.closeCode).toBeUndefined();
      expect(socket.ofType("auth_error")).toHaveLength(0);
    });

    it("when an authenticated socket sends another user's token, then it is closed with BEARER_TOKEN_INVALID", async () => {
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.user().token));
      socket.send({ type: "auth", token: issuer.user().token });
      expect((await socket.next("auth_error")).code).toBe("BEARER_TOKEN_INVALID");
      expect(await socket.closed).toBe(4401);
    });

    it("when a game message comes before authentication, then an error and the socket stays open", async () => {
      const socket = track(await TestSocket.open(tight.wsUrl));
      socket.send({ type: "game:heartbeat" });
      expect((await socket.next("error")).code).toBe("NOT_AUTHENTICATED");
      const alice = issuer.user();
      socket.send({ type: "auth", token: alice.token });
      expect(await socket.next("auth_ok")).toEqual({ type: "auth_ok", user_id: alice.userId });
    });

    it("when a browser from a foreign origin upgrades, then the upgrade is refused with 403 in the standard error body", async () => {
      await expect(TestSocket.open(instance.wsUrl, { headers: { Origin: "https://evil.example" } })).rejects.toThrow("upgrade refused with 403");
      const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const socket = new WebSocket(instance.wsUrl, { headers: { Origin: "https://evil.example" } });
        socket.once("unexpected-response", (_req, res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        socket.once("open", () => reject(new Error("the upgrade was accepted")));
        socket.on("error", () => undefined);
      });
      expect(refused.status).toBe(403);
      expect(errorBodySchema.parse(JSON.parse(refused.body)).error_code).toBe("ORIGIN_NOT_ALLOWED");
    });

    it("when the origin is on the allow-list or absent, then the upgrade succeeds", async () => {
      const token = issuer.user().token;
      track(await TestSocket.open(instance.wsUrl, { token, headers: { Origin: "https://play.tollgate.test" } }));
      track(await TestSocket.open(instance.wsUrl, { token }));
    });

    it("when a user opens more sockets than the cap, then the extra one gets TOO_MANY_CONNECTIONS and close 1008", async () => {
      const alice = issuer.user();
      track(await TestSocket.connect(tight.wsUrl, alice.token));
      track(await TestSocket.connect(tight.wsUrl, alice.token));
      const third = track(await TestSocket.open(tight.wsUrl, { token: alice.token }));
      expect((await third.next("error")).code).toBe("TOO_MANY_CONNECTIONS");
      expect(await third.closed).toBe(1008);
    });

    it("when a user's sockets keep answering pings past twice the presence TTL, then their cap still holds: a third socket gets TOO_MANY_CONNECTIONS and close 1008", async () => {
      // Presence TTL 300 ms: the user's key was given 600 ms at the last admission. Pongs every
      // 100 ms must keep it (and its two entries) alive for as long as the sockets live.
      const short = await startInstance(issuer, { settings: { maxConnectionsPerUser: 2, presenceTtlMs: 300, socket: { pingIntervalMs: 100 } } });
      try {
        const bob = issuer.user();
        const open = [track(await TestSocket.connect(short.wsUrl, bob.token)), track(await TestSocket.connect(short.wsUrl, bob.token))];
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(open.map((socket) => socket.closeCode)).toEqual([undefined, undefined]);
        const third = track(await TestSocket.open(short.wsUrl, { token: bob.token }));
        expect((await third.next("error", { timeoutMs: 2_000 })).code).toBe("TOO_MANY_CONNECTIONS");
        expect(await third.closed).toBe(1008);
        expect(await short.redis.zcard(short.keys.userSockets(bob.userId))).toBe(2);
        // A socket that closes gives its place back.
        open[0]?.close();
        await waitFor(async () => (await short.redis.zcard(short.keys.userSockets(bob.userId))) === 1, { what: "the closed socket's place to be given back" });
        track(await TestSocket.connect(short.wsUrl, bob.token));
      } finally {
        await short.stop();
      }
    });
  });

  describe("limits", () => {
    it("when a message is bigger than 16 KiB, then the socket is closed with 1009", async () => {
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.user().token));
      socket.send({ type: "game:heartbeat", padding: "x".repeat(17 * 1024) });
      expect(await socket.closed).toBe(1009);
    });

    it("when a message just under 16 KiB arrives, then it is answered and the socket stays", async () => {
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.user().token));
      socket.send({ type: "game:heartbeat", padding: "x".repeat(15 * 1024) });
      expect((await socket.next("error")).code).toBe("INVALID_MESSAGE");
      expect(socket.closeCode).toBeUndefined();
    });

    it("when JSON is malformed, then an error message and the connection stays alive", async () => {
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.user().token));
      socket.send("{not json");
      expect((await socket.next("error")).code).toBe("MALFORMED_JSON");
      socket.send({ type: "game:heartbeat" });
      await socket.next("game:heartbeat_ack");
    });

    it("when the message type is unknown, then an INVALID_MESSAGE error naming it", async () => {
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.user().token));
      socket.send({ type: "game:teleport", game_id: "x" });
      expect(await socket.next("error")).toMatchObject({ code: "INVALID_MESSAGE", ref: "game:teleport" });
    });

    it("when a client floods messages, then the excess is dropped with one RATE_LIMITED notice", async () => {
      const socket = track(await TestSocket.connect(tight.wsUrl, issuer.user().token));
      for (let i = 0; i < 12; i++) socket.send({ type: "game:heartbeat" });
      await socket.next("error", { where: (m) => m.code === "RATE_LIMITED" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(socket.ofType("game:heartbeat_ack").length).toBeGreaterThanOrEqual(5);
      expect(socket.ofType("game:heartbeat_ack").length).toBeLessThanOrEqual(6);
      expect(socket.ofType("error").filter((m) => m.code === "RATE_LIMITED")).toHaveLength(1);
      expect(socket.closeCode).toBeUndefined();
    });

    it("when a peer stops answering pings, then the server terminates it", async () => {
      const socket = track(await TestSocket.open(tight.wsUrl, { token: issuer.user().token, autoPong: false }));
      await socket.next("auth_ok");
      expect(await socket.closed).toBe(1006);
    });

    it("when a peer answers pings, then it stays connected past several ping intervals", async () => {
      const socket = track(await TestSocket.connect(tight.wsUrl, issuer.user().token));
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(socket.closeCode).toBeUndefined();
    });
  });

  describe("playing", () => {
    it("when two players play to a win, then both get every game:state and game:over", async () => {
      const [alice, bob] = [issuer.user(), issuer.user()];
      const gameId = await createActiveGame(instance, alice, bob);
      const a = track(await TestSocket.connect(instance.wsUrl, alice.token));
      const b = track(await TestSocket.connect(instance.wsUrl, bob.token));
      await joinBoth(gameId, a, b);
      expect(a.ofType("game:state")[0]).toMatchObject({ version: 0, status: "active", your_turn: true });
      expect(b.ofType("game:state")[0]).toMatchObject({ version: 0, status: "active", your_turn: false });

      await playMoves(gameId, a, b, VERTICAL_WIN_FOR_PLAYER_1);
      for (const socket of [a, b]) {
        expect(socket.ofType("game:state").map((m) => m.version)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(await socket.next("game:over")).toEqual({ type: "game:over", game_id: gameId, result: "player1_won", reason: "win", rating_change: { player1: 162, player2: -162 } });
      }
      const last = a.ofType("game:state").at(-1);
      expect(last).toMatchObject({ status: "finished", your_turn: false });
    });

    it("when a player joins a waiting game over the socket, then they take the seat and player 1 is told it is their turn", async () => {
      const [alice, bob] = [issuer.user(), issuer.user()];
      const a = track(await TestSocket.connect(instance.wsUrl, alice.token));
      const b = track(await TestSocket.connect(instance.wsUrl, bob.token));
      const { default: request } = await import("supertest");
      const created = await request(instance.baseUrl).post("/api/v1/games").set("Authorization", `Bearer ${alice.token}`).send({});
      a.send({ type: "game:join", game_id: created.body.id });
      expect(await a.next("game:state")).toMatchObject({ status: "waiting", your_turn: false });
      b.send({ type: "game:join", game_id: created.body.id });
      expect(await b.next("game:state")).toMatchObject({ status: "active", your_turn: false });
      expect(await a.next("game:state")).toMatchObject({ status: "active", your_turn: true });
    });

    it("when moves are illegal, out of turn or repeat a seq, then they are rejected and the state does not change", async () => {
      const [alice, bob] = [issuer.user(), issuer.user()];
      const gameId = await createActiveGame(instance, alice, bob);
      const a = track(await TestSocket.connect(instance.wsUrl, alice.token));
      const b = track(await TestSocket.connect(instance.wsUrl, bob.token));
      await joinBoth(gameId, a, b);

      b.send({ type: "game:action", game_id: gameId, seq: 0, action: { column: 3 } });
      expect(await b.next("error")).toMatchObject({ code: "NOT_YOUR_TURN", ref: "game:action:0" });

      a.send({ type: "game:action", game_id: gameId, seq: 0, action: { column: 9 } });
      expect((await a.next("error")).code).toBe("INVALID_ACTION");

      a.send({ type: "game:action", game_id: gameId, seq: 0, action: { row: 2 } });
      expect((await a.next("error")).code).toBe("INVALID_ACTION");

      a.send({ type: "game:action", game_id: gameId, seq: 5, action: { column: 3 } });
      expect((await a.next("error")).code).toBe("STALE_SEQ");

      // Fill column 0 (six moves), then try a seventh disc there.
      const version = await playMoves(gameId, a, b, [0, 0, 0, 0, 0, 0]);
      a.send({ type: "game:action", game_id: gameId, seq: version, action: { column: 0 } });
      expect((await a.next("error")).code).toBe("COLUMN_FULL");

      // The last accepted move again, same seq: answered with the current state, nothing changes.
      const statesBefore = b.ofType("game:state").length;
      b.send({ type: "game:action", game_id: gameId, seq: version - 1, action: { column: 0 } });
      expect(await b.next("game:state")).toMatchObject({ version, your_turn: false });
      // An old seq with a different move is stale.
      b.send({ type: "game:action", game_id: gameId, seq: version - 1, action: { column: 4 } });
      expect((await b.next("error")).code).toBe("STALE_SEQ");

      const row = await instance.knex("games").where({ id: gameId }).first();
      expect(row.version).toBe(6);
      const moves = await instance.knex("moves").where({ game_id: gameId }).count<{ count: string }[]>({ count: "*" });
      expect(Number(moves[0]?.count)).toBe(6);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(a.ofType("game:state").at(-1)?.version).toBe(6);
      expect(b.ofType("game:state").length).toBe(statesBefore + 1);
    });

    it("when a player resigns, then both get game:over with the opponent as winner", async () => {
      const [alice, bob] = [issuer.user(), issuer.user()];
      const gameId = await createActiveGame(instance, alice, bob);
      const a = track(await TestSocket.connect(instance.wsUrl, alice.token));
      const b = track(await TestSocket.connect(instance.wsUrl, bob.token));
      await joinBoth(gameId, a, b);
      a.send({ type: "game:resign", game_id: gameId });
      for (const socket of [a, b]) expect(await socket.next("game:over")).toMatchObject({ result: "player2_won", reason: "resignation" });
      a.send({ type: "game:action", game_id: gameId, seq: 1, action: { column: 1 } });
      expect((await a.next("error")).code).toBe("GAME_NOT_ACTIVE");
    });

    it("when a player sends a heartbeat, then their presence expiry in Redis moves forward", async () => {
      const [alice, bob] = [issuer.user(), issuer.user()];
      const gameId = await createActiveGame(instance, alice, bob);
      const a = track(await TestSocket.connect(instance.wsUrl, alice.token));
      a.send({ type: "game:join", game_id: gameId });
      await a.next("game:state");
      const key = instance.keys.presence(gameId);
      const [member, before] = await instance.redis.zrange(key, 0, 0, "WITHSCORES");
      expect(member?.startsWith(`${alice.userId}|${instance.instanceId}|`)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 30));
      a.send({ type: "game:heartbeat" });
      await a.next("game:heartbeat_ack");
      const after = await instance.redis.zscore(key, member ?? "");
      expect(Number(after)).toBeGreaterThan(Number(before));
      a.close();
      await a.closed;
      await waitFor(async () => (await instance.redis.zscore(key, member ?? "")) === null, { what: "the presence entry to go" });
    });

    it("when someone who does not play an active game joins it, then GAME_NOT_FOUND", async () => {
      const gameId = await createActiveGame(instance, issuer.user(), issuer.user());
      const socket = track(await TestSocket.connect(instance.wsUrl, issuer.user().token));
      socket.send({ type: "game:join", game_id: gameId });
      expect(await socket.next("error")).toMatchObject({ code: "GAME_NOT_FOUND", ref: "game:join" });
    });
  });
});
