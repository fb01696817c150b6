import { eventTypes } from "@tollgate/contracts";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

type Pair = { access_token: string; refresh_token: string };

describe("refresh token rotation", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let collector: EventCollector;

  beforeAll(async () => {
    fx = await startAuth({ REFRESH_GRACE_SECONDS: "10" });
    await fx.startRelay();
    collector = await new EventCollector([fx.authEventsTopic]).start();
  });

  afterAll(async () => {
    await collector.stop();
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const refresh = async (token: string) => {
    const response = await call<Pair & { error_code?: string }>(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: token } });
    if (response.status === 200) canaries.addTokens(response.body);
    return response;
  };

  it("when a token rotated two generations ago is used again, then 401, the whole session is revoked, an audit row and a session.revoked event exist", async () => {
    const { tokens, userId } = await registerAndLogin(fx, canaries);
    const second = await refresh(tokens.refresh_token);
    const third = await refresh(second.body.refresh_token);
    expect([second.status, third.status]).toEqual([200, 200]);

    const reuse = await refresh(tokens.refresh_token);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error_code).toBe("REFRESH_TOKEN_REUSED");

    // The legitimate holder's newest tokens die with the session.
    expect((await refresh(third.body.refresh_token)).status).toBe(401);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: third.body.access_token })).status).toBe(401);

    const session = await fx.knex("sessions").where({ user_id: userId }).first();
    expect(session.revoke_reason).toBe("refresh_reuse");
    const audit = await fx.knex("audit_logs").where({ user_id: userId, action: "refresh_reuse" });
    expect(audit).toHaveLength(1);
    expect(audit[0].details.session_id).toBe(session.id);

    // The sign-up's user.registered is on the topic too: wait for this session's event itself.
    const revoked = await waitFor(
      () => collector.values<{ type: string; data: { session_id?: string; reason?: string } }>().find((event) => event.data.session_id === session.id),
      { timeoutMs: 20_000, what: "the session's session.revoked" },
    );
    expect(revoked).toMatchObject({ type: eventTypes.sessionRevoked, data: { reason: "refresh_reuse" } });
  });

  it("when the token just rotated is reused after the grace window, then the session is revoked as reuse", async () => {
    const shortGrace = await startAuth({ REFRESH_GRACE_SECONDS: "1" });
    try {
      const { tokens } = await registerAndLogin(shortGrace, canaries);
      const next = await call<Pair>(shortGrace, "POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
      canaries.addTokens(next.body);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      const late = await call(shortGrace, "POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
      expect(late.status).toBe(401);
      expect(late.body.error_code).toBe("REFRESH_TOKEN_REUSED");
    } finally {
      await shortGrace.close();
    }
  });

  it("when two refreshes of the same current token race inside the grace window, then both succeed with the same successor and the session lives on", async () => {
    const { tokens, userId } = await registerAndLogin(fx, canaries);
    const [a, b] = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refresh_token).toBe(b.body.refresh_token);
    expect(a.body.refresh_token).not.toBe(tokens.refresh_token);

    // A third request with the old token, still inside the window, gets the same successor too.
    const c = await refresh(tokens.refresh_token);
    expect(c.status).toBe(200);
    expect(c.body.refresh_token).toBe(a.body.refresh_token);

    const next = await refresh(a.body.refresh_token);
    expect(next.status).toBe(200);
    const session = await fx.knex("sessions").where({ user_id: userId }).first();
    expect(session.revoked_at).toBeNull();
    expect(session.generation).toBe(2);
  });

  it("when an unknown refresh token is sent, then 401 INVALID_REFRESH_TOKEN", async () => {
    const response = await refresh(canaries.add("canary-unknown-refresh-token-value-0123456789"));
    expect(response.status).toBe(401);
    expect(response.body.error_code).toBe("INVALID_REFRESH_TOKEN");
  });

  it("when a session has been idle past its limit, then its refresh token is refused", async () => {
    const idle = await startAuth({ SESSION_IDLE_TIMEOUT_SECONDS: "1" });
    try {
      const { tokens } = await registerAndLogin(idle, canaries);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const response = await call(idle, "POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
      expect(response.status).toBe(401);
      expect(response.body.error_code).toBe("INVALID_REFRESH_TOKEN");
    } finally {
      await idle.close();
    }
  });

  it("when a session is past its absolute lifetime, then its refresh token is refused even though it was just used", async () => {
    const short = await startAuth({ SESSION_MAX_LIFETIME_SECONDS: "2" });
    try {
      const { tokens } = await registerAndLogin(short, canaries);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const early = await call<Pair>(short, "POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
      expect(early.status).toBe(200);
      canaries.addTokens(early.body);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const late = await call(short, "POST", "/api/v1/auth/refresh", { body: { refresh_token: early.body.refresh_token } });
      expect(late.status).toBe(401);
      expect(late.body.error_code).toBe("INVALID_REFRESH_TOKEN");
    } finally {
      await short.close();
    }
  });
});
