import { randomBytes } from "node:crypto";
import { startDedicatedRedis, startE2eStack, waitFor, type DedicatedRedis, type E2eStack } from "@tollgate/test-harness";
import type { FuzzIdentity } from "./support/fuzz-draft";
import { signedInIdentity } from "./support/fuzz-identity";
import type { FuzzRoute } from "./support/fuzz-routes";
import { GatewayClient, type BoughtToken, type StackUser } from "./support/gateway-client";
import { ask, callEveryRoute, documentedRoutes, expectServed, expectUnavailable, GameSocketProbe, jsonInit, offenders, summary, Timings } from "./support/outage-probe";

/** The store profile's command timeout (service-kit redis.ts): the longest a frozen Redis holds auth and game-realtime. */
const STORE_COMMAND_TIMEOUT_MS = 1_000;
/** The proxy's REDIS_COMMAND_TIMEOUT_MS default: a frozen cache is skipped after this, once to read and once to write. */
const CACHE_COMMAND_TIMEOUT_MS = 100;
/** What a loaded 2-core machine adds: the gateway hop, Postgres, the token service, scheduling. */
const SLACK_MS = 300;
/** Redis stopped: a disconnected client refuses at once, so only the slack remains. */
const STOPPED_BOUND_MS = SLACK_MS;
/** Redis frozen: the connection is up and silent, so a command waits out its timeout. */
const FROZEN_BOUND_MS = STORE_COMMAND_TIMEOUT_MS + SLACK_MS;
/** A route that does not need Redis (register hashes a password, purchase writes Postgres). */
const SERVED_BOUND_MS = 1_500;
/** ioredis reconnects with back-off capped at 2 s (service-kit redis.ts). */
const RECOVERY_BOUND_MS = 2_000 + 1_000;
const PASSWORD = "a long passphrase for chaos";

type Outage = "stopped" | "frozen";

interface Fixture {
  alice: StackUser;
  bob: StackUser;
  /** Logged out before the outage: its access JWT must never be admitted. */
  loggedOut: StackUser;
  /** Validated through the proxy before the outage (in its memory and Redis). */
  cached: BoughtToken;
  /** Revoked, and refused by the proxy, before the outage. */
  revoked: BoughtToken;
  /** Shaped like a token, never issued. */
  unknown: string;
  /** Alice's game, waiting for bob. */
  gameId: string;
  /** Alice's socket, authenticated before the outage. */
  socket: GameSocketProbe;
  /** Calls every documented route during the outage (its own user: the sweep logs out and revokes). */
  sweeper: FuzzIdentity;
}

/**
 * Issue #17, Redis: the stack's own Redis (auth's login throttle, the proxy's cache and app
 * sessions, game-realtime's revocations, presence and fan-out) frozen with SIGSTOP, then stopped,
 * under a running stack. Whatever needs Redis answers 503 with Retry-After in the standard body,
 * within the store's command timeout when frozen and at once when stopped, never 500; the game
 * socket says `service_unavailable` and closes 1013; no unknown, revoked or logged-out token is
 * admitted, during the outage or after a restart that emptied Redis; everything works again once
 * Redis is back, without restarting a service.
 */
describe("Redis outage", () => {
  let redis: DedicatedRedis;
  let stack: E2eStack;
  let gateway: GatewayClient;
  let routes: FuzzRoute[];
  const timings = new Timings();
  const sockets: GameSocketProbe[] = [];
  const url = (path: string) => `${stack.gatewayUrl}${path}`;
  const bearer = (user: StackUser) => ({ authorization: `Bearer ${user.accessToken}` });
  const openSocket = (user: StackUser) => {
    const socket = new GameSocketProbe(stack.gatewayUrl, user.accessToken);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    redis = await startDedicatedRedis();
    const env = { REDIS_URL: redis.url };
    stack = await startE2eStack({ appOrigin: true, env: { auth: env, proxy: env, "game-realtime": env } });
    gateway = new GatewayClient(stack.gatewayUrl);
    routes = await documentedRoutes(stack.gatewayUrl);
  });

  afterAll(async () => {
    timings.print("Redis outage: time to answer through the gateway");
    for (const socket of sockets) socket.close();
    await stack?.stop();
    await redis?.dispose();
  });

  async function prepare(): Promise<Fixture> {
    const [alice, bob, loggedOut] = [await gateway.newUser(), await gateway.newUser(), await gateway.newUser()];
    expect((await ask("logout", url("/api/v1/auth/logout"), { method: "POST", headers: bearer(loggedOut) })).status).toBe(204);
    // game-realtime hears of it through Kafka and keeps it in Redis.
    await waitFor(async () => (await ask("games of a logged-out user", url("/api/v1/games"), { headers: bearer(loggedOut) })).status === 401, { what: "the logged-out session to be refused" });
    const cached = await gateway.buyToken(alice);
    expect(await gateway.proxyStatus(cached.token)).toBe(200);
    const revoked = await gateway.buyToken(alice);
    expect(await gateway.proxyStatus(revoked.token)).toBe(200);
    await gateway.revoke(alice, revoked.id);
    await waitFor(async () => (await gateway.proxyStatus(revoked.token)) === 401, { what: "the revoked token to be refused" });
    const game = await ask("create game", url("/api/v1/games"), jsonInit("POST", {}, bearer(alice)));
    expect(game.status).toBe(201);
    const socket = openSocket(alice);
    await socket.next((message) => message.type === "auth_ok");
    const sweeper = await signedInIdentity(stack.gatewayUrl);
    return { alice, bob, loggedOut, cached, revoked, unknown: randomBytes(48).toString("base64url"), gameId: (game.body as { id: string }).id, socket, sweeper };
  }

  async function duringOutage(outage: Outage, fx: Fixture): Promise<void> {
    const bound = outage === "stopped" ? STOPPED_BOUND_MS : FROZEN_BOUND_MS;
    const phase = `Redis ${outage}`;
    const unavailable = async (what: string, path: string, init: RequestInit = {}) => {
      const answer = await ask(what, url(path), init);
      timings.add(phase, answer);
      expectUnavailable(answer, bound);
    };
    const served = async (what: string, path: string, init: RequestInit, status: number, boundMs: number) => {
      const answer = await ask(what, url(path), init);
      timings.add(phase, answer);
      expectServed(answer, status, boundMs);
      return answer;
    };

    // auth: the login throttle is in Redis, and a login it cannot count is refused (fail closed).
    await unavailable("POST /auth/login", "/api/v1/auth/login", jsonInit("POST", { login: fx.alice.username, password: PASSWORD }));
    const username = `chaos-${randomBytes(5).toString("hex")}`;
    await served("POST /auth/register (no Redis)", "/api/v1/auth/register", jsonInit("POST", { email: `${username}@example.test`, username, password: PASSWORD }), 201, SERVED_BOUND_MS);
    // token: no Redis at all.
    const bought = await served("POST /tokens/purchase (no Redis)", "/api/v1/tokens/purchase", jsonInit("POST", { duration_hours: 1 }, bearer(fx.alice)), 201, SERVED_BOUND_MS);
    const uncached = String((bought.body as { token: string }).token);

    // proxy: Redis is a cache tier; without it the token service answers. Never a pass for an unknown or revoked token.
    const proxyBound = outage === "stopped" ? SLACK_MS : 2 * CACHE_COMMAND_TIMEOUT_MS + SLACK_MS;
    const proxy = (what: string, token: string, status: number) => served(what, "/api/v1/proxy/headers", { headers: { "X-Access-Token": token } }, status, proxyBound);
    await proxy("proxy: cached token", fx.cached.token, 200);
    await proxy("proxy: uncached token", uncached, 200);
    await proxy("proxy: unknown token", fx.unknown, 401);
    await proxy("proxy: revoked token", fx.revoked.token, 401);
    // The app origin's one-time launch ticket lives in Redis.
    await unavailable("POST /proxy/launch", "/api/v1/proxy/launch", jsonInit("POST", {}, { "X-Access-Token": fx.cached.token }));

    // game-realtime: every request checks the session's revocation in Redis first (fail closed).
    await unavailable("POST /games", "/api/v1/games", jsonInit("POST", {}, bearer(fx.alice)));
    await unavailable("POST /games/{id}/join", `/api/v1/games/${fx.gameId}/join`, jsonInit("POST", {}, bearer(fx.bob)));
    await unavailable("GET /games", "/api/v1/games", { headers: bearer(fx.alice) });
    // A session this instance saw revoked is refused without Redis: a definite 401, not a 503.
    await served("GET /games, logged-out session", "/api/v1/games", { headers: bearer(fx.loggedOut) }, 401, bound);

    // A new game socket is told at once that the service is unavailable, and closed to retry later;
    // a logged-out session's is refused for good.
    const sockets = [
      ["game socket auth", fx.alice, "SERVICE_UNAVAILABLE", 1013],
      ["game socket auth, logged out", fx.loggedOut, "SESSION_REVOKED", 4401],
    ] as const;
    for (const [what, user, expected, expectedClose] of sockets) {
      const socket = openSocket(user);
      const { message, ms } = await socket.next((m) => m.type === "auth_ok" || m.type === "auth_error");
      const { code } = await socket.closed;
      timings.add(phase, { what, ms, status: `${message.type === "auth_error" ? message.code : message.type} / close ${code}` });
      expect({ what, message, code }).toEqual({ what, message: expect.objectContaining({ type: "auth_error", code: expected }), code: expectedClose });
      if (expected === "SERVICE_UNAVAILABLE") expect(message).toMatchObject({ retry_after: 2 });
      expect({ what, withinBound: ms <= bound }).toEqual({ what, withinBound: true });
    }

    // A socket authenticated before the outage: its game:join is answered "unavailable, retry".
    const sent = performance.now();
    fx.socket.send({ type: "game:join", game_id: fx.gameId });
    const { message } = await fx.socket.next((m) => m.type === "error" || m.type === "game:state");
    const ms = performance.now() - sent;
    timings.add(phase, { what: "game:join on an open socket", ms, status: message.type === "error" ? message.code : message.type });
    expect(message).toEqual({ type: "error", code: "SERVICE_UNAVAILABLE", message: expect.any(String), ref: "game:join", retry_after: 2 });
    expect(ms).toBeLessThanOrEqual(bound);
    fx.socket.messages.length = 0;

    // Every documented route of every service, as a client would call it: never a 500, never a hang.
    const answers = await callEveryRoute(stack.gatewayUrl, routes, fx.sweeper);
    for (const row of summary(answers)) timings.add(phase, row);
    expect(offenders(answers, outage === "stopped" ? STOPPED_BOUND_MS : FROZEN_BOUND_MS)).toEqual([]);
  }

  async function afterOutage(outage: Outage, fx: Fixture, restoredAt: number): Promise<void> {
    const phase = `after ${outage}`;
    // Each service's client reconnects on its own back-off, so each one's recovery is waited for and
    // bounded by itself: auth's login coming back says nothing of game-realtime's client (asked
    // straight after auth recovered, a game creation was once still 503 at a load of 10).
    const recovered = async (what: string, expected: number, call: () => Promise<{ status: number }>) => {
      await waitFor(async () => (await call()).status === expected, { timeoutMs: 10_000, intervalMs: 50, what: `${what} to succeed again` });
      const recoveredMs = performance.now() - restoredAt;
      timings.add(phase, { what: `first successful ${what}`, ms: recoveredMs, status: expected });
      expect({ what, recoveredWithinBound: recoveredMs < RECOVERY_BOUND_MS }).toEqual({ what, recoveredWithinBound: true });
    };
    await Promise.all([
      recovered("login", 200, () => ask("login", url("/api/v1/auth/login"), jsonInit("POST", { login: fx.alice.username, password: PASSWORD }))),
      recovered("game creation", 201, () => ask("create game", url("/api/v1/games"), jsonInit("POST", {}, bearer(fx.alice)))),
    ]);

    expect((await ask("join game", url(`/api/v1/games/${fx.gameId}/join`), jsonInit("POST", {}, bearer(fx.bob)))).status).toBe(200);
    const socket = openSocket(fx.bob);
    await socket.next((m) => m.type === "auth_ok");
    fx.socket.send({ type: "game:join", game_id: fx.gameId });
    await fx.socket.next((m) => m.type === "game:state" && m.game_id === fx.gameId);
    expect(await gateway.proxyStatus(fx.cached.token)).toBe(200);
    expect(await gateway.proxyStatus(fx.unknown)).toBe(401);
    expect(await gateway.proxyStatus(fx.revoked.token)).toBe(401);
    expect((await ask("launch", url("/api/v1/proxy/launch"), jsonInit("POST", {}, { "X-Access-Token": fx.cached.token }))).status).toBe(201);
    // Revocations outlive the outage, even a restart that emptied Redis.
    expect((await ask("games of a logged-out user", url("/api/v1/games"), { headers: bearer(fx.loggedOut) })).status).toBe(401);
    const refused = openSocket(fx.loggedOut);
    expect((await refused.next((m) => m.type === "auth_ok" || m.type === "auth_error")).message).toMatchObject({ type: "auth_error", code: "SESSION_REVOKED" });
  }

  it("when Redis freezes (SIGSTOP), then what needs it answers 503 with Retry-After within the 1 s command timeout, the game socket says service_unavailable, and all is well once it thaws", async () => {
    const fx = await prepare();
    redis.freeze();
    let restoredAt = 0;
    try {
      await duringOutage("frozen", fx);
    } finally {
      restoredAt = performance.now();
      redis.thaw();
    }
    await afterOutage("frozen", fx, restoredAt);
  });

  it("when Redis stops, then what needs it answers 503 with Retry-After at once, the game socket says service_unavailable, and all is well once it is back, empty, without restarting a service", async () => {
    const fx = await prepare();
    await redis.stop();
    let restoredAt = 0;
    try {
      await duringOutage("stopped", fx);
    } finally {
      // From the start of the restart: it takes a moment to accept connections.
      restoredAt = performance.now();
      await redis.start();
    }
    await afterOutage("stopped", fx, restoredAt);
  });
});
