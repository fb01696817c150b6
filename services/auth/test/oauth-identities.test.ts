import { errorBodySchema, identitiesResponseSchema, oauthCallbackResponseSchema } from "@tollgate/contracts";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin } from "./support";
import { newSubject, PROVIDER, startOAuth, type OAuthFixture } from "./oidc/oauth-fixture";

describe("linked identities and password-less accounts", () => {
  const canaries = new Canaries();
  let oauth: OAuthFixture;

  beforeAll(async () => {
    oauth = await startOAuth(canaries);
  });

  afterAll(async () => {
    await oauth.close();
    expectNoCanaryInLogs(canaries, oauth.fx.capture);
  });

  /** A user created by signing in through the provider (no password). */
  async function providerOnlyUser() {
    const subject = newSubject();
    const email = `${subject}@idp.example.test`;
    oauth.idp.accounts.set(subject, { email, email_verified: true });
    const body = oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body);
    return { subject, email, token: body.access_token, userId: body.user.id };
  }

  it("when a provider-only user lists identities, then the one identity is shown and has_password is false", async () => {
    const { subject, email, token } = await providerOnlyUser();
    const listed = await call(oauth.fx, "GET", "/api/v1/users/me/identities", { token });
    expect(listed.status).toBe(200);
    const body = identitiesResponseSchema.parse(listed.body);
    expect(body.has_password).toBe(false);
    expect(body.identities).toEqual([expect.objectContaining({ provider: PROVIDER, subject, email, email_verified: true })]);
  });

  it("when a provider-only user unlinks their only identity, then 409 LAST_SIGN_IN_METHOD and the identity stays", async () => {
    const { token, userId } = await providerOnlyUser();
    const refused = await call(oauth.fx, "DELETE", `/api/v1/users/me/identities/${PROVIDER}`, { token });
    expect(refused.status).toBe(409);
    expect(errorBodySchema.parse(refused.body).error_code).toBe("LAST_SIGN_IN_METHOD");
    expect(await oauth.fx.knex("user_identities").where({ user_id: userId })).toHaveLength(1);
  });

  it("when a user with a password unlinks a provider, then 204, the list is empty, the unlink is audited and a second unlink is 404", async () => {
    const { tokens, userId } = await registerAndLogin(oauth.fx, canaries);
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test` });
    expect((await oauth.signIn(subject, { token: tokens.access_token })).status).toBe(200);
    expect(identitiesResponseSchema.parse((await call(oauth.fx, "GET", "/api/v1/users/me/identities", { token: tokens.access_token })).body).identities).toHaveLength(1);

    const unlinked = await call(oauth.fx, "DELETE", `/api/v1/users/me/identities/${PROVIDER}`, { token: tokens.access_token });
    expect(unlinked.status).toBe(204);
    const after = identitiesResponseSchema.parse((await call(oauth.fx, "GET", "/api/v1/users/me/identities", { token: tokens.access_token })).body);
    expect(after).toEqual({ identities: [], has_password: true });
    const audit = await oauth.fx.knex("audit_logs").where({ user_id: userId, action: "oauth_unlink" }).first();
    expect(audit.details).toEqual({ provider: PROVIDER });
    const again = await call(oauth.fx, "DELETE", `/api/v1/users/me/identities/${PROVIDER}`, { token: tokens.access_token });
    expect(again.status).toBe(404);
    expect(errorBodySchema.parse(again.body).error_code).toBe("IDENTITY_NOT_FOUND");
  });

  it("when a provider-only user tries a password login or a password change, then 401 INVALID_CREDENTIALS and 409 NO_PASSWORD_SET", async () => {
    const { email, token } = await providerOnlyUser();
    const login = await call(oauth.fx, "POST", "/api/v1/auth/login", { body: { login: email, password: canaries.add("canary-guess-for-null-hash") } });
    expect(login.status).toBe(401);
    expect(errorBodySchema.parse(login.body).error_code).toBe("INVALID_CREDENTIALS");
    const change = await call(oauth.fx, "POST", "/api/v1/users/me/password", { token, body: { current_password: "anything", new_password: canaries.add("canary-new-pw-8c1e0f42") } });
    expect(change.status).toBe(409);
    expect(errorBodySchema.parse(change.body).error_code).toBe("NO_PASSWORD_SET");
  });

  it("when the identity endpoints are called without a token or with a malformed provider, then 401 and 422 in the standard body", async () => {
    const anonymous = await call(oauth.fx, "GET", "/api/v1/users/me/identities");
    expect(anonymous.status).toBe(401);
    expect(errorBodySchema.parse(anonymous.body).error_code).toBe("UNAUTHENTICATED");
    const { token } = await providerOnlyUser();
    const malformed = await call(oauth.fx, "DELETE", "/api/v1/users/me/identities/NOT_A_NAME", { token });
    expect(malformed.status).toBe(422);
    expect(errorBodySchema.parse(malformed.body).error_code).toBe("VALIDATION_ERROR");
  });
});
