import { errorBodySchema, eventTypes, sessionRevokedV1Schema, tokenPairResponseSchema, userResponseSchema } from "@tollgate/contracts";
import { createHttpApp, httpJwksFetcher, JwksKeyStore, JwtVerifier, requireUser, RevokedSessionView } from "@tollgate/service-kit";
import request from "supertest";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import { call, Canaries, expectNoCanaryInLogs, newAccount, startAuth, type AuthFixture } from "./support";

describe("session flow", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let collector: EventCollector;
  let view: RevokedSessionView;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    fx = await startAuth();
    const { kafka, producer } = await fx.startRelay();
    collector = await new EventCollector([fx.authEventsTopic]).start();
    // What another service builds: JWKS over HTTP, and the revoked-session view fed by Kafka.
    verifier = new JwtVerifier({
      keys: new JwksKeyStore({ fetchJwks: httpJwksFetcher(`${fx.baseUrl}/.well-known/jwks.json`) }),
      issuer: fx.config.JWT_ISSUER,
      audience: fx.config.JWT_AUDIENCE,
    });
    view = new RevokedSessionView({ kafka, topic: fx.authEventsTopic, logger: fx.logger, deadLetterProducer: producer, service: "auth-test", instanceId: "one", retentionSeconds: 900 });
    await view.start();
  });

  afterAll(async () => {
    await view.stop();
    await collector.stop();
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when a user registers, logs in, reads /me, refreshes and logs out, then every step answers its contract and the logged-out session is refused everywhere", async () => {
    const account = newAccount(canaries);
    const registered = await call(fx, "POST", "/api/v1/auth/register", { body: { ...account, email: account.email.toUpperCase() } });
    expect(registered.status).toBe(201);
    const user = userResponseSchema.parse(registered.body);
    expect(user.email).toBe(account.email.toLowerCase());
    expect(JSON.stringify(registered.body)).not.toContain("argon2");

    const login = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.username, password: account.password } });
    expect(login.status).toBe(200);
    const pair = tokenPairResponseSchema.parse(login.body);
    canaries.addTokens(pair);
    expect(pair.expires_in).toBe(900);
    expect(pair.user.last_login_at).not.toBeNull();

    const me = await call(fx, "GET", "/api/v1/users/me", { token: pair.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, username: account.username });

    const claims = await verifier.verifyAccessToken(pair.access_token);
    expect(claims).toMatchObject({ sub: user.id, typ: "access", role: "user", iss: fx.config.JWT_ISSUER, aud: fx.config.JWT_AUDIENCE });

    const refreshed = await call(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: pair.refresh_token } });
    expect(refreshed.status).toBe(200);
    const second = tokenPairResponseSchema.parse(refreshed.body);
    canaries.addTokens(second);
    expect(second.refresh_token).not.toBe(pair.refresh_token);
    expect((await verifier.verifyAccessToken(second.access_token)).sid).toBe(claims.sid);

    const logout = await call(fx, "POST", "/api/v1/auth/logout", { token: second.access_token });
    expect(logout.status).toBe(204);

    // The auth service itself refuses the session at once (database); another service through its view.
    const meAfter = await call(fx, "GET", "/api/v1/users/me", { token: second.access_token });
    expect(meAfter.status).toBe(401);
    expect(errorBodySchema.parse(meAfter.body).error_code).toBe("SESSION_REVOKED");
    await waitFor(() => view.isRevoked(claims), { timeoutMs: 20_000, what: "the revoked-session view to learn of the logout" });
    expect(await verifier.verifyAccessToken(second.access_token)).toBeDefined(); // the signature alone is still valid…
    const otherService = createHttpApp({
      logger: fx.logger,
      routes: (app) => app.get("/protected", requireUser({ verifier, revocations: view }), (_req, res) => res.json({ ok: true })),
    });
    const refused = await request(otherService).get("/protected").set("Authorization", `Bearer ${second.access_token}`);
    expect(refused.status).toBe(401); // …which is why services consult the view.
    expect(errorBodySchema.parse(refused.body).error_code).toBe("SESSION_REVOKED");

    const refreshAfter = await call(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: second.refresh_token } });
    expect(refreshAfter.status).toBe(401);
    expect(refreshAfter.body.error_code).toBe("INVALID_REFRESH_TOKEN");

    // Keyed by the user, so in order on one partition: the sign-up's user.registered, then the logout's session.revoked.
    const [signUp, message] = await collector.waitForCount(2, { timeoutMs: 20_000 });
    expect([signUp?.key, message?.key]).toEqual([user.id, user.id]);
    expect(JSON.parse(signUp?.value ?? "{}").type).toBe(eventTypes.userRegistered);
    const event = JSON.parse(message?.value ?? "{}");
    expect(event.type).toBe(eventTypes.sessionRevoked);
    expect(sessionRevokedV1Schema.parse(event.data)).toMatchObject({ session_id: claims.sid, user_id: user.id, reason: "logout" });
  });

  it("when a session that was never revoked asks, then the view says not revoked", async () => {
    const account = newAccount(canaries);
    await call(fx, "POST", "/api/v1/auth/register", { body: account });
    const login = await call<{ access_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: account.email, password: account.password } });
    canaries.addTokens(login.body);
    const claims = await verifier.verifyAccessToken(login.body.access_token);
    expect(view.isRevoked(claims)).toBe(false);
  });
});
