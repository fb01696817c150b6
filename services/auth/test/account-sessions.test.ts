import { accountSessionListSchema, errorBodySchema, eventTypes, otherSessionsRevokedSchema } from "@tollgate/contracts";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

type Event = { type: string; data: { session_id: string; user_id: string; reason: string } };

describe("a user's own sessions", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let collector: EventCollector;

  beforeAll(async () => {
    fx = await startAuth();
    await fx.startRelay();
    collector = await new EventCollector([fx.authEventsTopic]).start();
  });

  afterAll(async () => {
    await collector.stop();
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  /** A second login of the same account from another device: its own IP and user agent. */
  async function loginFrom(account: { email: string; password: string }, ip: string, userAgent: string) {
    const login = await call<{ access_token: string; refresh_token: string }>(fx, "POST", "/api/v1/auth/login", {
      body: { login: account.email, password: account.password },
      headers: { "x-forwarded-for": ip, "user-agent": userAgent },
    });
    expect(login.status).toBe(200);
    canaries.addTokens(login.body);
    return login.body;
  }

  const revocationsOf = (userId: string) => collector.values<Event>().filter((event) => event.type === eventTypes.sessionRevoked && event.data.user_id === userId);
  const sessionIdOf = (accessToken: string) => (JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()) as { sid: string }).sid;

  it("when a user lists their sessions, then each login is there with its IP, user agent and times, most recently used first, the asking one marked current", async () => {
    const laptop = await registerAndLogin(fx, canaries, { "x-forwarded-for": "203.0.113.7", "user-agent": "tollgate-cli/0.1.0" });
    const phone = await loginFrom(laptop.account, "198.51.100.23", "Mozilla/5.0 (Android)");
    const listed = await call(fx, "GET", "/api/v1/users/me/sessions", { token: laptop.tokens.access_token });
    expect(listed.status).toBe(200);
    const { sessions } = accountSessionListSchema.parse(listed.body);
    expect(sessions.map((session) => [session.id, session.ip, session.user_agent, session.current])).toEqual([
      [sessionIdOf(phone.access_token), "198.51.100.23", "Mozilla/5.0 (Android)", false],
      [sessionIdOf(laptop.tokens.access_token), "203.0.113.7", "tollgate-cli/0.1.0", true],
    ]);
    for (const session of sessions) {
      expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.parse(session.last_used_at));
      // The idle limit (7 days by default) comes before the absolute one (30 days).
      expect(Date.parse(session.expires_at) - Date.parse(session.last_used_at)).toBe(fx.config.SESSION_IDLE_TIMEOUT_SECONDS * 1000);
    }
    // Nobody else's sessions, and no ended ones: the other device logs out and leaves the list.
    const stranger = await registerAndLogin(fx, canaries);
    expect(accountSessionListSchema.parse((await call(fx, "GET", "/api/v1/users/me/sessions", { token: stranger.tokens.access_token })).body).sessions).toHaveLength(1);
    expect((await call(fx, "POST", "/api/v1/auth/logout", { token: phone.access_token })).status).toBe(204);
    const after = accountSessionListSchema.parse((await call(fx, "GET", "/api/v1/users/me/sessions", { token: laptop.tokens.access_token })).body);
    expect(after.sessions.map((session) => session.id)).toEqual([sessionIdOf(laptop.tokens.access_token)]);
  });

  it("when a user ends another of their sessions, then its refresh and access tokens are refused, session.revoked (user_request) is on Kafka, and the audit log has it", async () => {
    const laptop = await registerAndLogin(fx, canaries);
    const phone = await loginFrom(laptop.account, "198.51.100.23", "Mozilla/5.0 (Android)");
    const phoneSession = sessionIdOf(phone.access_token);
    const revoked = await call(fx, "DELETE", `/api/v1/users/me/sessions/${phoneSession}`, { token: laptop.tokens.access_token });
    expect(revoked.status).toBe(204);

    const me = await call(fx, "GET", "/api/v1/users/me", { token: phone.access_token });
    expect([me.status, errorBodySchema.parse(me.body).error_code]).toEqual([401, "SESSION_REVOKED"]);
    expect((await call(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: phone.refresh_token } })).status).toBe(401);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: laptop.tokens.access_token })).status).toBe(200);

    const [event] = await waitFor(() => (revocationsOf(laptop.userId).length > 0 ? revocationsOf(laptop.userId) : undefined), { timeoutMs: 20_000, what: "session.revoked" });
    expect(event?.data).toMatchObject({ session_id: phoneSession, user_id: laptop.userId, reason: "user_request" });
    const audit = await fx.knex("audit_logs").where({ user_id: laptop.userId, action: "session_revoked" });
    expect(audit.map((row: { details: unknown }) => row.details)).toEqual([{ session_id: phoneSession, current: false }]);

    // Once more: it ended already, nothing changes and nothing new is emitted.
    expect((await call(fx, "DELETE", `/api/v1/users/me/sessions/${phoneSession}`, { token: laptop.tokens.access_token })).status).toBe(204);
    expect(await fx.knex("audit_logs").where({ user_id: laptop.userId, action: "session_revoked" })).toHaveLength(1);
  });

  it("when a user ends their current session by id, then it is a logout: the token asking is refused afterwards", async () => {
    const user = await registerAndLogin(fx, canaries);
    const own = sessionIdOf(user.tokens.access_token);
    expect((await call(fx, "DELETE", `/api/v1/users/me/sessions/${own}`, { token: user.tokens.access_token })).status).toBe(204);
    expect((await call(fx, "GET", "/api/v1/users/me/sessions", { token: user.tokens.access_token })).status).toBe(401);
    expect((await fx.knex("sessions").where({ id: own }).first()).revoke_reason).toBe("user_request");
  });

  it("when someone names a session that is not theirs, none, or a malformed id, then the answer is 404 SESSION_NOT_FOUND and the session lives on", async () => {
    const owner = await registerAndLogin(fx, canaries);
    const intruder = await registerAndLogin(fx, canaries);
    for (const id of [sessionIdOf(owner.tokens.access_token), "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const refused = await call(fx, "DELETE", `/api/v1/users/me/sessions/${id}`, { token: intruder.tokens.access_token });
      expect({ id, status: refused.status, code: errorBodySchema.parse(refused.body).error_code }).toEqual({ id, status: 404, code: "SESSION_NOT_FOUND" });
    }
    expect((await call(fx, "GET", "/api/v1/users/me", { token: owner.tokens.access_token })).status).toBe(200);
  });

  it("when a user ends every other session, then all but the asking one are refused, each with its own session.revoked, and the count is answered", async () => {
    const main = await registerAndLogin(fx, canaries);
    const others = [await loginFrom(main.account, "192.0.2.1", "a"), await loginFrom(main.account, "192.0.2.2", "b"), await loginFrom(main.account, "192.0.2.3", "c")];
    const response = await call(fx, "POST", "/api/v1/users/me/sessions/revoke-others", { token: main.tokens.access_token });
    expect(response.status).toBe(200);
    expect(otherSessionsRevokedSchema.parse(response.body)).toEqual({ revoked_sessions: 3 });
    for (const other of others) expect((await call(fx, "GET", "/api/v1/users/me", { token: other.access_token })).status).toBe(401);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: main.tokens.access_token })).status).toBe(200);

    const events = await waitFor(() => (revocationsOf(main.userId).length >= 3 ? revocationsOf(main.userId) : undefined), { timeoutMs: 20_000, what: "three session.revoked" });
    expect(events.map((event) => event.data.session_id).sort()).toEqual(others.map((other) => sessionIdOf(other.access_token)).sort());
    expect(events.every((event) => event.data.reason === "user_request")).toBe(true);
    const [audit] = await fx.knex("audit_logs").where({ user_id: main.userId, action: "other_sessions_revoked" });
    expect(audit.details).toEqual({ revoked_sessions: 3, kept_session_id: sessionIdOf(main.tokens.access_token) });

    // Alone now: nothing more to end.
    expect(otherSessionsRevokedSchema.parse((await call(fx, "POST", "/api/v1/users/me/sessions/revoke-others", { token: main.tokens.access_token })).body)).toEqual({ revoked_sessions: 0 });
  });

  it("when no bearer token is sent, then every session route answers 401", async () => {
    for (const [method, path] of [["GET", "/api/v1/users/me/sessions"], ["DELETE", "/api/v1/users/me/sessions/00000000-0000-4000-8000-000000000000"], ["POST", "/api/v1/users/me/sessions/revoke-others"]] as const) {
      expect({ method, status: (await call(fx, method, path)).status }).toEqual({ method, status: 401 });
    }
  });
});
