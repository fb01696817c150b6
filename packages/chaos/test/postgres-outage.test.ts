import { randomBytes } from "node:crypto";
import { startDedicatedPostgres, startE2eStack, waitFor, type DedicatedPostgres, type E2eStack } from "@tollgate/test-harness";
import type { FuzzIdentity } from "./support/fuzz-draft";
import { signedInIdentity } from "./support/fuzz-identity";
import type { FuzzRoute } from "./support/fuzz-routes";
import { GatewayClient, type BoughtToken, type StackUser } from "./support/gateway-client";
import { ask, callEveryRoute, documentedRoutes, expectServed, expectUnavailable, GameSocketProbe, jsonInit, offenders, summary, Timings } from "./support/outage-probe";

/**
 * Postgres stopped: a new connection is refused at once (ECONNREFUSED) and open ones are ended
 * (57P01), so nothing waits for a timeout; what remains is the gateway hop and scheduling on a
 * loaded 2-core machine. (Observed before: 503 in ≤ 23 ms everywhere.)
 */
const BOUND_MS = 300;
/** Routes that need no database (a proxy hit from memory, a refusal the game service knows). */
const SERVED_BOUND_MS = 300;
/** The pools open new connections on the next request; a first request may still meet a connection ended by the stop. */
const RECOVERY_BOUND_MS = 3_000;
/**
 * The proxy's breaker in front of the token service opens during the outage (the sweep sends it
 * more than its 5 failures) and lets a probe through TOKEN_SERVICE_HALF_OPEN_MS (5 s) later.
 */
const PROXY_RECOVERY_BOUND_MS = 5_000 + RECOVERY_BOUND_MS;
const PASSWORD = "a long passphrase for chaos";

interface Fixture {
  alice: StackUser;
  bob: StackUser;
  /** Logged out before the outage: its access JWT must never be admitted. */
  loggedOut: StackUser;
  refreshToken: string;
  /** Validated through the proxy before the outage (in its memory and Redis). */
  cached: BoughtToken;
  /** Bought before the outage, never shown to the proxy. */
  uncached: BoughtToken;
  /** Revoked, and refused by the proxy, before the outage. */
  revoked: BoughtToken;
  /** Shaped like a token, never issued. */
  unknown: string;
  /** Alice's game, waiting for bob. */
  gameId: string;
  /** Alice's socket, authenticated before the outage. */
  socket: GameSocketProbe;
  sweeper: FuzzIdentity;
}

/**
 * Issue #17, Postgres: the stack's own cluster (auth, token and game-realtime databases) stopped
 * under a running stack. Whatever needs the database answers 503 with Retry-After in the standard
 * body at once, never 500; the game socket still authenticates (no database needed) and answers a
 * game message with `service_unavailable`; the proxy keeps serving tokens it holds and refuses
 * unknown and revoked ones; every service recovers on its own once Postgres is back.
 */
describe("Postgres outage", () => {
  let postgres: DedicatedPostgres;
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
    postgres = await startDedicatedPostgres();
    stack = await startE2eStack({
      env: {
        auth: { DATABASE_URL: postgres.databaseUrl("tollgate_auth_e2e_test") },
        token: { DATABASE_URL: postgres.databaseUrl("tollgate_token_e2e_test") },
        "game-realtime": { DATABASE_URL: postgres.databaseUrl("tollgate_game_e2e_test") },
      },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    routes = await documentedRoutes(stack.gatewayUrl);
  });

  afterAll(async () => {
    timings.print("Postgres outage: time to answer through the gateway");
    for (const socket of sockets) socket.close();
    await stack?.stop();
    await postgres?.dispose();
  });

  async function prepare(): Promise<Fixture> {
    const [alice, bob, loggedOut] = [await gateway.newUser(), await gateway.newUser(), await gateway.newUser()];
    const login = await ask("login", url("/api/v1/auth/login"), jsonInit("POST", { login: alice.username, password: PASSWORD }));
    expect(login.status).toBe(200);
    expect((await ask("logout", url("/api/v1/auth/logout"), { method: "POST", headers: bearer(loggedOut) })).status).toBe(204);
    await waitFor(async () => (await ask("games of a logged-out user", url("/api/v1/games"), { headers: bearer(loggedOut) })).status === 401, { what: "the logged-out session to be refused" });
    const cached = await gateway.buyToken(alice);
    expect(await gateway.proxyStatus(cached.token)).toBe(200);
    const uncached = await gateway.buyToken(alice);
    const revoked = await gateway.buyToken(alice);
    expect(await gateway.proxyStatus(revoked.token)).toBe(200);
    await gateway.revoke(alice, revoked.id);
    await waitFor(async () => (await gateway.proxyStatus(revoked.token)) === 401, { what: "the revoked token to be refused" });
    const game = await ask("create game", url("/api/v1/games"), jsonInit("POST", {}, bearer(alice)));
    expect(game.status).toBe(201);
    const socket = openSocket(alice);
    await socket.next((message) => message.type === "auth_ok");
    return {
      alice,
      bob,
      loggedOut,
      refreshToken: String((login.body as { refresh_token: string }).refresh_token),
      cached,
      uncached,
      revoked,
      unknown: randomBytes(48).toString("base64url"),
      gameId: (game.body as { id: string }).id,
      socket,
      sweeper: await signedInIdentity(stack.gatewayUrl),
    };
  }

  it("when Postgres stops, then what needs it answers 503 with Retry-After at once, the game socket answers service_unavailable, no unknown or revoked token passes, and everything recovers once it is back, without restarting a service", async () => {
    const fx = await prepare();
    const phase = "Postgres stopped";
    const unavailable = async (what: string, path: string, init: RequestInit = {}) => {
      const answer = await ask(what, url(path), init);
      timings.add(phase, answer);
      expectUnavailable(answer, BOUND_MS);
    };
    const served = async (what: string, path: string, init: RequestInit, status: number) => {
      const answer = await ask(what, url(path), init);
      timings.add(phase, answer);
      expectServed(answer, status, SERVED_BOUND_MS);
    };

    await postgres.stop();
    let restoredAt = 0;
    try {
      // auth
      await unavailable("POST /auth/login", "/api/v1/auth/login", jsonInit("POST", { login: fx.alice.username, password: PASSWORD }));
      const username = `chaos-${randomBytes(5).toString("hex")}`;
      await unavailable("POST /auth/register", "/api/v1/auth/register", jsonInit("POST", { email: `${username}@example.test`, username, password: PASSWORD }));
      await unavailable("POST /auth/refresh", "/api/v1/auth/refresh", jsonInit("POST", { refresh_token: fx.refreshToken }));
      // token
      await unavailable("POST /tokens/purchase", "/api/v1/tokens/purchase", jsonInit("POST", { duration_hours: 1 }, bearer(fx.alice)));
      await unavailable("GET /tokens/my-tokens", "/api/v1/tokens/my-tokens", { headers: bearer(fx.alice) });
      // proxy: what it holds is served, what it would have to ask the token service about is 503, never a pass.
      const proxy = { path: "/api/v1/proxy/headers", init: (token: string) => ({ headers: { "X-Access-Token": token } }) };
      await served("proxy: cached token", proxy.path, proxy.init(fx.cached.token), 200);
      await unavailable("proxy: uncached token", proxy.path, proxy.init(fx.uncached.token));
      await unavailable("proxy: unknown token", proxy.path, proxy.init(fx.unknown));
      await served("proxy: revoked token", proxy.path, proxy.init(fx.revoked.token), 401);
      // game-realtime
      await unavailable("POST /games", "/api/v1/games", jsonInit("POST", {}, bearer(fx.alice)));
      await unavailable("POST /games/{id}/join", `/api/v1/games/${fx.gameId}/join`, jsonInit("POST", {}, bearer(fx.bob)));
      await unavailable("GET /games", "/api/v1/games", { headers: bearer(fx.alice) });
      await served("GET /games, logged-out session", "/api/v1/games", { headers: bearer(fx.loggedOut) }, 401);

      // A socket authenticates without the database (its session checks are in Redis); a logged-out one is refused.
      const socket = openSocket(fx.alice);
      const auth = await socket.next((m) => m.type === "auth_ok" || m.type === "auth_error");
      timings.add(phase, { what: "game socket auth (no database)", ms: auth.ms, status: auth.message.type });
      expect(auth.message.type).toBe("auth_ok");
      const refused = openSocket(fx.loggedOut);
      expect((await refused.next((m) => m.type === "auth_ok" || m.type === "auth_error")).message).toMatchObject({ type: "auth_error", code: "SESSION_REVOKED" });
      expect((await refused.closed).code).toBe(4401);

      // What needs the database is answered "unavailable, retry", on a new socket and on one opened before.
      for (const [what, probe] of [["game:join on a new socket", socket], ["game:join on an open socket", fx.socket]] as const) {
        const sent = performance.now();
        probe.send({ type: "game:join", game_id: fx.gameId });
        const { message } = await probe.next((m) => m.type === "error" || m.type === "game:state");
        const ms = performance.now() - sent;
        timings.add(phase, { what, ms, status: message.type === "error" ? message.code : message.type });
        expect({ what, message }).toEqual({ what, message: { type: "error", code: "SERVICE_UNAVAILABLE", message: expect.any(String), ref: "game:join", retry_after: 2 } });
        expect(ms).toBeLessThanOrEqual(BOUND_MS);
        probe.messages.length = 0;
      }

      const answers = await callEveryRoute(stack.gatewayUrl, routes, fx.sweeper);
      for (const row of summary(answers)) timings.add(phase, row);
      expect(offenders(answers, BOUND_MS)).toEqual([]);
    } finally {
      // From the start of the restart: it takes a moment to accept connections.
      restoredAt = performance.now();
      await postgres.start();
    }

    await waitFor(async () => (await ask("login", url("/api/v1/auth/login"), jsonInit("POST", { login: fx.alice.username, password: PASSWORD }))).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: "a login to succeed again",
    });
    const recoveredMs = performance.now() - restoredAt;
    timings.add("after Postgres", { what: "first successful login", ms: recoveredMs, status: 200 });
    expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
    await waitFor(async () => (await gateway.proxyStatus(fx.uncached.token)) === 200, { timeoutMs: PROXY_RECOVERY_BOUND_MS + 2_000, intervalMs: 100, what: "the uncached token to be served" });
    const proxyRecoveredMs = performance.now() - restoredAt;
    timings.add("after Postgres", { what: "proxy: uncached token served", ms: proxyRecoveredMs, status: 200 });
    expect(proxyRecoveredMs).toBeLessThan(PROXY_RECOVERY_BOUND_MS);
    expect((await ask("purchase", url("/api/v1/tokens/purchase"), jsonInit("POST", { duration_hours: 1 }, bearer(fx.alice)))).status).toBe(201);
    expect((await ask("create game", url("/api/v1/games"), jsonInit("POST", {}, bearer(fx.alice)))).status).toBe(201);
    expect((await ask("join game", url(`/api/v1/games/${fx.gameId}/join`), jsonInit("POST", {}, bearer(fx.bob)))).status).toBe(200);
    fx.socket.send({ type: "game:join", game_id: fx.gameId });
    await fx.socket.next((m) => m.type === "game:state" && m.game_id === fx.gameId);
    expect(await gateway.proxyStatus(fx.unknown)).toBe(401);
    expect(await gateway.proxyStatus(fx.revoked.token)).toBe(401);
    expect((await ask("games of a logged-out user", url("/api/v1/games"), { headers: bearer(fx.loggedOut) })).status).toBe(401);
  });
});
