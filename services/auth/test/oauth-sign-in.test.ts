import { errorBodySchema, oauthCallbackResponseSchema, tokenPairResponseSchema } from "@tollgate/contracts";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin } from "./support";
import { newSubject, PROVIDER, REDIRECT_URI, startOAuth, type OAuthFixture } from "./oidc/oauth-fixture";

describe("OpenID Connect sign-in against a real provider", () => {
  const canaries = new Canaries();
  let oauth: OAuthFixture;

  beforeAll(async () => {
    oauth = await startOAuth(canaries);
  });

  afterEach(() => {
    oauth.idp.network.mode = "pass";
  });

  afterAll(async () => {
    await oauth.close();
    expectNoCanaryInLogs(canaries, oauth.fx.capture);
  });

  const auditActionsOf = async (userId: string): Promise<string[]> =>
    (await oauth.fx.knex("audit_logs").where({ user_id: userId }).orderBy("created_at")).map((row: { action: string }) => row.action);

  it("when authorize is called, then it redirects to the provider with state, a S256 PKCE challenge, a nonce and the loopback redirect URI", async () => {
    const response = await fetch(`${oauth.fx.baseUrl}/api/v1/auth/oauth/${PROVIDER}/authorize?redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.href.startsWith(`${oauth.idp.issuer}/auth`)).toBe(true);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ response_type: "code", client_id: "tollgate-test-client", redirect_uri: REDIRECT_URI, code_challenge_method: "S256", scope: "openid email profile" });
    expect(location.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("when a new person signs in, then a password-less user is created, the usual token pair works on /me, and the sign-in is audited", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true, preferred_username: "ada.lovelace" });
    const answer = await oauth.signIn(subject);
    expect(answer.status).toBe(200);
    const body = oauthCallbackResponseSchema.parse(answer.body);
    expect(body).toMatchObject({ provider: PROVIDER, outcome: "created", user: { email: `${subject}@idp.example.test`, role: "user" } });
    expect(body.user.username).toMatch(/^ada_lovelace(_[0-9a-f]{6})?$/);
    const me = await call(oauth.fx, "GET", "/api/v1/users/me", { token: body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: body.user.id });
    const refreshed = await call(oauth.fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: body.refresh_token } });
    expect(tokenPairResponseSchema.parse(refreshed.body).user.id).toBe(body.user.id);
    canaries.addTokens(refreshed.body);
    expect(await auditActionsOf(body.user.id)).toEqual(expect.arrayContaining(["register", "oauth_link", "oauth_login", "refresh"]));
    const user = await oauth.fx.knex("users").where({ id: body.user.id }).first();
    expect(user.password_hash).toBeNull();
  });

  it("when the same person signs in again, then the same user is found by provider and subject", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const first = oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body);
    // The address changed at the provider: the subject, not the e-mail, names the person.
    oauth.idp.accounts.set(subject, { email: `${subject}.new@idp.example.test`, email_verified: true });
    const second = await oauth.signIn(subject);
    expect(second.status).toBe(200);
    expect(oauthCallbackResponseSchema.parse(second.body)).toMatchObject({ outcome: "existing_identity", user: { id: first.user.id } });
    expect((await auditActionsOf(first.user.id)).filter((action) => action === "oauth_login")).toHaveLength(2);
  });

  it("when the provider vouches for the e-mail of an existing account, then the identity is linked to that account", async () => {
    const { account, userId } = await registerAndLogin(oauth.fx, canaries);
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: account.email.toUpperCase(), email_verified: true });
    const answer = await oauth.signIn(subject);
    expect(answer.status).toBe(200);
    expect(oauthCallbackResponseSchema.parse(answer.body)).toMatchObject({ outcome: "linked_by_email", user: { id: userId } });
    const link = await oauth.fx.knex("audit_logs").where({ user_id: userId, action: "oauth_link" }).first();
    expect(link.details).toMatchObject({ provider: PROVIDER, via: "linked_by_email" });
  });

  it("when the e-mail of an existing account is not verified by the provider, then 409 OAUTH_EMAIL_IN_USE and nothing is linked", async () => {
    const { account, userId } = await registerAndLogin(oauth.fx, canaries);
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: account.email, email_verified: false });
    const answer = await oauth.signIn(subject);
    expect(answer.status).toBe(409);
    expect(errorBodySchema.parse(answer.body).error_code).toBe("OAUTH_EMAIL_IN_USE");
    expect(await oauth.fx.knex("user_identities").where({ user_id: userId })).toHaveLength(0);
  });

  it("when a signed-in user starts the flow with their bearer token, then the provider is linked to that account whatever its e-mail", async () => {
    const { tokens, userId } = await registerAndLogin(oauth.fx, canaries);
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@elsewhere.example.test`, email_verified: false });
    const answer = await oauth.signIn(subject, { token: tokens.access_token });
    expect(answer.status).toBe(200);
    expect(oauthCallbackResponseSchema.parse(answer.body)).toMatchObject({ outcome: "linked_to_account", user: { id: userId } });
  });

  it("when a state is replayed or unknown, then 400 INVALID_OAUTH_STATE", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const { code, state } = await oauth.authorize(subject);
    const callback = (withState: string) => call(oauth.fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?code=${encodeURIComponent(code)}&state=${withState}`);
    const unknown = await callback("A".repeat(43));
    expect(unknown.status).toBe(400);
    expect(errorBodySchema.parse(unknown.body).error_code).toBe("INVALID_OAUTH_STATE");
    const first = await callback(state);
    expect(first.status).toBe(200);
    canaries.addTokens(first.body);
    const replayed = await callback(state);
    expect(replayed.status).toBe(400);
    expect(errorBodySchema.parse(replayed.body).error_code).toBe("INVALID_OAUTH_STATE");
  });

  it("when a code is presented with the state (and so the PKCE verifier) of another sign-in, then the provider refuses it and the answer is 400 OAUTH_CODE_REJECTED", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const victim = await oauth.authorize(subject);
    const attacker = await oauth.authorize(subject);
    const answer = await call(oauth.fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?code=${encodeURIComponent(victim.code)}&state=${attacker.state}`);
    expect(answer.status).toBe(400);
    const error = errorBodySchema.parse(answer.body);
    expect(error.error_code).toBe("OAUTH_CODE_REJECTED");
    expect(error.detail).toContain("invalid_grant");
  });

  it("when the ID token is altered on its way from the provider, then 401 INVALID_ID_TOKEN and no session is opened", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const { code, state } = await oauth.authorize(subject);
    oauth.idp.network.mode = "tamper-id-token";
    const answer = await call(oauth.fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?code=${encodeURIComponent(code)}&state=${state}`);
    expect(answer.status).toBe(401);
    expect(errorBodySchema.parse(answer.body).error_code).toBe("INVALID_ID_TOKEN");
    expect(await oauth.fx.knex("user_identities").where({ provider: PROVIDER, subject })).toHaveLength(0);
    expect(await oauth.fx.knex("user_identities").where({ provider: PROVIDER, subject: "someone-else" })).toHaveLength(0);
  });

  it("when the provider goes down between authorize and callback, then 503 in the standard body with Retry-After", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const { code, state } = await oauth.authorize(subject);
    oauth.idp.network.mode = "down";
    const answer = await call(oauth.fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?code=${encodeURIComponent(code)}&state=${state}`);
    expect(answer.status).toBe(503);
    expect(errorBodySchema.parse(answer.body).error_code).toMatch(/^(SERVICE_UNAVAILABLE|BREAKER_OPEN)$/);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("when the provider is unknown or the redirect URI is not on the allow-list, then 404 OAUTH_PROVIDER_NOT_FOUND and 400 REDIRECT_URI_NOT_ALLOWED", async () => {
    const unknown = await call(oauth.fx, "GET", `/api/v1/auth/oauth/nobody/authorize?redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expect(unknown.status).toBe(404);
    expect(errorBodySchema.parse(unknown.body).error_code).toBe("OAUTH_PROVIDER_NOT_FOUND");
    const callback = await call(oauth.fx, "GET", `/api/v1/auth/oauth/nobody/callback?code=x&state=y`);
    expect(errorBodySchema.parse(callback.body).error_code).toBe("OAUTH_PROVIDER_NOT_FOUND");
    for (const uri of ["http://127.0.0.1:53124/elsewhere", "https://evil.example.test/callback", "http://localhost.evil.test/callback"]) {
      const refused = await call(oauth.fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/authorize?redirect_uri=${encodeURIComponent(uri)}`);
      expect(refused.status).toBe(400);
      expect(errorBodySchema.parse(refused.body).error_code).toBe("REDIRECT_URI_NOT_ALLOWED");
    }
    const missing = await call(oauth.fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?state=abc`);
    expect(missing.status).toBe(422);
    expect(errorBodySchema.parse(missing.body).error_code).toBe("VALIDATION_ERROR");
  });
});
