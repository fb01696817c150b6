import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { MemorySessionStore, TollgateClient, TollgateError, type GameSocket } from "@tollgate/client";
import type { DurationHours, GameStatus } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import { LOCAL_CA_FILE, TLS_GATEWAY } from "./support/cli-terminal";
import { GATEWAY } from "./support/stack";

/** The error a promise rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<TollgateError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  );
  if (!("rejected" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(TollgateError);
  return outcome.rejected as TollgateError;
}

const account = (name: string) => {
  const username = `${name}${randomUUID().slice(0, 8)}`;
  return { email: `${username}@example.test`, username, password: `pass ${randomUUID()}` };
};

async function signedIn(name: string, options: { session?: MemorySessionStore; fetch?: typeof fetch; refreshMarginMs?: number } = {}) {
  const who = account(name);
  const client = new TollgateClient({ baseUrl: GATEWAY, ...options });
  const user = await client.auth.register(who);
  await client.auth.login(who.username, who.password);
  return { client, user, ...who };
}

/** Signed in with $50.00 from the development top-up: the stack sells at real prices (infra/local/env/billing.env). */
async function funded(name: string) {
  const signed = await signedIn(name);
  await signed.client.billing.devTopUp(5_000);
  return signed;
}

/** Another client holding a copy of the same session (as a second device restored from a backup would). */
function sameSession(store: MemorySessionStore): TollgateClient {
  const copy = new MemorySessionStore();
  copy.save(store.load());
  return new TollgateClient({ baseUrl: GATEWAY, session: copy });
}

describe("the SDK against the npm start stack, through the gateway", () => {
  describe("auth", () => {
    it("when a user registers, then the user comes back; registering the username again fails with DUPLICATE_USERNAME", async () => {
      const who = account("reg");
      const client = new TollgateClient({ baseUrl: GATEWAY });
      const user = await client.auth.register(who);
      expect(user).toMatchObject({ username: who.username, email: who.email, role: "user" });
      const again = await failure(client.auth.register({ ...account("reg"), username: who.username }));
      expect([again.status, again.code]).toEqual([409, "DUPLICATE_USERNAME"]);
      expect(again.requestId).toBeTruthy();
    });

    it("when a user logs in and asks who they are, then me() is that user; a wrong password fails with INVALID_CREDENTIALS", async () => {
      const { client, user, username } = await signedIn("login");
      expect(await client.auth.me()).toMatchObject({ id: user.id, username });
      const wrong = await failure(new TollgateClient({ baseUrl: GATEWAY }).auth.login(username, "not the password at all"));
      expect([wrong.status, wrong.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    });

    it("when nobody is logged in, then me() fails with NOT_LOGGED_IN without asking the server", async () => {
      const error = await failure(new TollgateClient({ baseUrl: GATEWAY }).auth.me());
      expect([error.status, error.code]).toEqual([401, "NOT_LOGGED_IN"]);
    });

    it("when a user logs out, then the session ends on the server: another copy of it fails me() and logout() with SESSION_REVOKED", async () => {
      const session = new MemorySessionStore();
      const { client } = await signedIn("logout", { session });
      const elsewhere = sameSession(session);
      await client.auth.logout();
      expect(session.load()).toBeUndefined();
      expect((await failure(elsewhere.auth.me())).code).toBe("SESSION_REVOKED");
      expect((await failure(elsewhere.auth.logout())).code).toBe("SESSION_REVOKED");
    });

    it("when the access token is due for refresh, then parallel calls share one refresh and the refresh token rotates", async () => {
      let refreshes = 0;
      const counting: typeof fetch = (input, init) => {
        if (String(input).endsWith("/api/v1/auth/refresh")) refreshes++;
        return fetch(input, init);
      };
      const session = new MemorySessionStore();
      // A margin longer than the token's 15 minutes: every call finds it due.
      const { client, user } = await signedIn("refresh", { session, fetch: counting, refreshMarginMs: 16 * 60_000 });
      const before = session.load()?.refreshToken;
      const users = await Promise.all(Array.from({ length: 5 }, () => client.auth.me()));
      expect(users.map((me) => me.id)).toEqual(Array(5).fill(user.id));
      expect(refreshes).toBe(1);
      expect(session.load()?.refreshToken).not.toBe(before);
    });

    it("when the refresh token is not valid, then the call fails with INVALID_REFRESH_TOKEN and the session is forgotten", async () => {
      const session = new MemorySessionStore();
      const { user } = await signedIn("badrefresh", { session });
      const stale = new MemorySessionStore();
      stale.save({ accessToken: "expired", refreshToken: "x".repeat(64), accessExpiresAt: 0, user: { ...user, last_login_at: null } });
      const error = await failure(new TollgateClient({ baseUrl: GATEWAY, session: stale }).auth.me());
      expect([error.status, error.code]).toEqual([401, "INVALID_REFRESH_TOKEN"]);
      expect(stale.load()).toBeUndefined();
    });
  });

  describe("tokens", () => {
    it("when a user buys, lists (all, and only those still usable) and revokes a token, then each answers its contract; bad hours fail with VALIDATION_ERROR, an unknown id with NOT_FOUND", async () => {
      const { client } = await funded("tokens");
      const bought = await client.tokens.purchase(1);
      expect(bought.token).toMatch(/^[A-Za-z0-9_-]{64}$/);
      expect(bought.duration_hours).toBe(1);
      expect((await client.tokens.list()).map((token) => [token.id, token.status])).toEqual([[bought.id, "pending"]]);
      expect((await client.tokens.list(true)).map((token) => token.id)).toEqual([bought.id]);
      expect((await client.tokens.revoke(bought.id, "testing")).status).toBe("revoked");
      expect(await client.tokens.list(true)).toEqual([]);

      const hours = await failure(client.tokens.purchase(2 as DurationHours));
      expect([hours.status, hours.code]).toEqual([422, "VALIDATION_ERROR"]);
      const unknown = await failure(client.tokens.revoke(randomUUID()));
      expect([unknown.status, unknown.code]).toEqual([404, "NOT_FOUND"]);
    });

    it("when the session was logged out elsewhere, then listing tokens fails with SESSION_REVOKED (the token service heard of it)", async () => {
      const session = new MemorySessionStore();
      const { client } = await signedIn("tokrev", { session });
      const elsewhere = sameSession(session);
      await client.auth.logout();
      const error = await waitFor(async () => (await elsewhere.tokens.list().then(() => undefined, (rejected: unknown) => rejected)) as TollgateError | undefined, { timeoutMs: 10_000, what: "the token service to refuse the revoked session" });
      expect(error).toBeInstanceOf(TollgateError);
      expect([error.status, error.code]).toEqual([401, "SESSION_REVOKED"]);
    });
  });

  describe("proxy", () => {
    it("when a bought token is used, then fetch reaches the upstream as the user and the WebSocket echoes; after revocation both are refused with TOKEN_REVOKED", async () => {
      const { client, user } = await funded("proxy");
      const bought = await client.tokens.purchase(1);
      const res = await client.proxy.fetch(bought.token, "/headers");
      expect(res.status).toBe(200);
      expect(((await res.json()) as { headers: Record<string, string> }).headers["x-user-id"]).toBe(user.id);

      const socket = client.proxy.websocket(bought.token, "/ws/echo");
      const messages: string[] = [];
      socket.on("message", (data: Buffer) => messages.push(data.toString()));
      const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      socket.send("through the gateway");
      await waitFor(() => messages.includes("through the gateway"), { what: "the echo through gateway and proxy" });

      await client.tokens.revoke(bought.id);
      expect(await closed).toBe(4401);
      const refused = await waitFor(async () => {
        const next = await client.proxy.fetch(bought.token, "/headers");
        return next.status === 401 ? next : undefined;
      }, { timeoutMs: 10_000, what: "the revoked token to be refused" });
      expect(((await refused.json()) as { error_code: string }).error_code).toBe("TOKEN_REVOKED");

      const upgrade = client.proxy.websocket(bought.token, "/ws/echo");
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        upgrade.once("unexpected-response", (_req, response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString()));
          response.on("end", () => {
            // Ends the refused handshake (ws leaves it open once unexpected-response is handled).
            upgrade.once("error", () => undefined);
            upgrade.terminate();
            resolve({ status: response.statusCode ?? 0, body });
          });
        });
        upgrade.once("open", () => reject(new Error("a revoked token opened a tunnel")));
      });
      expect(answer.status).toBe(401);
      expect((JSON.parse(answer.body) as { error_code: string }).error_code).toBe("TOKEN_REVOKED");
    });

    it("when a launch URL is asked for, then it is on the app origin; a path that is not root-relative fails with VALIDATION_ERROR, an unknown token with TOKEN_INVALID", async () => {
      const { client } = await funded("launch");
      const bought = await client.tokens.purchase(1);
      const launch = await client.proxy.launchUrl(bought.token, { path: "/page/landing" });
      expect(launch.app_origin).toBe("http://app.localhost:8080");
      expect(launch.url.startsWith(`${launch.app_origin}/.tollgate/launch?ticket=`)).toBe(true);
      const badPath = await failure(client.proxy.launchUrl(bought.token, { path: "//elsewhere.test/" }));
      expect([badPath.status, badPath.code]).toEqual([422, "VALIDATION_ERROR"]);
      const unknown = await failure(client.proxy.launchUrl("u".repeat(64)));
      expect([unknown.status, unknown.code]).toEqual([401, "TOKEN_INVALID"]);
    });
  });

  describe("users and games", () => {
    it("when a user looks another up by username, then their id comes back whatever the case; an unknown name fails with USER_NOT_FOUND", async () => {
      const { client } = await signedIn("seek");
      const sought = await signedIn("sought");
      expect(await client.users.byUsername(sought.username.toUpperCase())).toEqual({ id: sought.user.id, username: sought.username });
      const unknown = await failure(client.users.byUsername("nobody_by_that_name"));
      expect([unknown.status, unknown.code]).toEqual([404, "USER_NOT_FOUND"]);
    });

    it("when two players create, join, list, get and play a game over sockets, then it is finished with player 1 the winner; every refusal has its code", async () => {
      const alice = await signedIn("alice");
      const bob = await signedIn("bob");
      const carol = await signedIn("carol");
      const game = await alice.client.games.create((await alice.client.users.byUsername(bob.username)).id);
      expect(game).toMatchObject({ status: "waiting", player1_id: alice.user.id, invited_user_id: bob.user.id });

      const intruder = await failure(carol.client.games.join(game.id));
      expect([intruder.status, intruder.code]).toEqual([403, "NOT_INVITED"]);
      expect((await bob.client.games.join(game.id)).status).toBe("active");
      expect((await alice.client.games.list()).map((listed) => listed.id)).toContain(game.id);
      expect((await bob.client.games.list("active")).map((listed) => listed.id)).toEqual([game.id]);
      const stranger = await failure(carol.client.games.get(game.id));
      expect([stranger.status, stranger.code]).toEqual([404, "GAME_NOT_FOUND"]);
      const self = await failure(alice.client.games.create(alice.user.id));
      expect([self.status, self.code]).toEqual([422, "SELF_INVITE"]);
      const status = await failure(alice.client.games.list("bogus" as GameStatus));
      expect([status.status, status.code]).toEqual([422, "VALIDATION_ERROR"]);

      const sockets: GameSocket[] = [alice.client.games.socket({ reconnect: false }), bob.client.games.socket({ reconnect: false })];
      const [aliceSocket, bobSocket] = sockets as [GameSocket, GameSocket];
      try {
        expect(await aliceSocket.connect()).toBe(alice.user.id);
        expect(await bobSocket.connect()).toBe(bob.user.id);
        const versions: [number[], number[]] = [[], []];
        aliceSocket.on("state", (state) => versions[0].push(state.version));
        bobSocket.on("state", (state) => versions[1].push(state.version));
        const over = Promise.all([aliceSocket.next("over"), bobSocket.next("over")]);
        aliceSocket.join(game.id);
        bobSocket.join(game.id);
        for (let turn = 0; turn < 7; turn++) {
          await waitFor(() => versions[0].includes(turn) && versions[1].includes(turn), { what: `version ${turn} on both sides` });
          (turn % 2 === 0 ? aliceSocket : bobSocket).act(game.id, { column: turn % 2 === 0 ? 0 : 1 });
        }
        const [[aliceOver], [bobOver]] = await over;
        expect([aliceOver.result, bobOver.result]).toEqual(["player1_won", "player1_won"]);
        expect(await alice.client.games.get(game.id)).toMatchObject({ status: "finished", result: "player1_won", end_reason: "win" });
        expect((await bob.client.games.list("finished")).map((listed) => listed.id)).toEqual([game.id]);
      } finally {
        for (const socket of sockets) socket.close();
      }
    });

    it("when the session was logged out elsewhere, then a game socket is refused with session_revoked", async () => {
      const session = new MemorySessionStore();
      const { client } = await signedIn("sockrev", { session });
      const elsewhere = sameSession(session);
      await client.auth.logout();
      const code = await waitFor(
        async () => {
          const socket = elsewhere.games.socket({ reconnect: false });
          const outcome = await socket.connect().then(
            () => undefined,
            (error: { code?: string }) => error.code,
          );
          socket.close();
          return outcome;
        },
        { timeoutMs: 10_000, what: "the game service to refuse the revoked session" },
      );
      expect(code).toBe("SESSION_REVOKED");
    });
  });

  describe("over the gateway's TLS listener", () => {
    it("when the SDK is given the local CA, then it registers, logs in and opens a game socket over https and wss; without it, the certificate is refused", async () => {
      const ca = readFileSync(LOCAL_CA_FILE);
      const who = account("tls");
      const client = new TollgateClient({ baseUrl: TLS_GATEWAY, ca });
      const user = await client.auth.register(who);
      expect((await client.auth.login(who.username, who.password)).id).toBe(user.id);
      const socket = client.games.socket({ reconnect: false });
      try {
        expect(await socket.connect()).toBe(user.id);
      } finally {
        socket.close();
      }
      const untrusting = await new TollgateClient({ baseUrl: TLS_GATEWAY }).auth.login(who.username, who.password).catch((error: unknown) => error);
      expect(untrusting).toBeInstanceOf(TollgateError);
      expect((untrusting as TollgateError).code).toBe("NETWORK_ERROR");
      // The reason, down the cause chain: the certificate is not one the SDK trusts.
      const codes: unknown[] = [];
      // Duck-typed: errors from node's own fetch come from another realm than the test's Error.
      for (let cause: unknown = untrusting; typeof cause === "object" && cause !== null; cause = (cause as { cause?: unknown }).cause) codes.push((cause as { code?: unknown }).code);
      expect(codes).toContain("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    });
  });
});
