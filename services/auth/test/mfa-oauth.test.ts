import { errorBodySchema, mfaChallengeResponseSchema, oauthCallbackResponseSchema, tokenPairResponseSchema } from "@tollgate/contracts";
import { codeAt, turnOnTotp } from "./mfa-support";
import { newSubject, PROVIDER, startOAuth, type OAuthFixture } from "./oidc/oauth-fixture";
import { call, Canaries, expectNoCanaryInLogs } from "./support";

describe("two-factor sign-in after an external provider", () => {
  const canaries = new Canaries();
  let oauth: OAuthFixture;

  beforeAll(async () => {
    oauth = await startOAuth(canaries);
  });

  afterAll(async () => {
    await oauth.close();
    expectNoCanaryInLogs(canaries, oauth.fx.capture);
  });

  it("when an account with TOTP signs in through a provider, then the callback answers MFA_REQUIRED without a session, and the code opens one audited as oauth_login", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const created = oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body);
    const { secret } = await turnOnTotp(oauth.fx, created.access_token, canaries);
    const sessions = async () => (await oauth.fx.knex("sessions").where({ user_id: created.user.id })).length;
    const before = await sessions();

    const answer = await oauth.signIn(subject);
    expect(answer.status).toBe(200);
    const challenge = mfaChallengeResponseSchema.parse(answer.body);
    canaries.add(challenge.mfa_token);
    expect(answer.body).not.toHaveProperty("access_token");
    expect(await sessions()).toBe(before);

    const refused = await call(oauth.fx, "POST", "/api/v1/auth/login/mfa", { body: { mfa_token: challenge.mfa_token, totp_code: codeAt(secret, -1) } });
    expect(refused.status).toBe(401);
    expect(errorBodySchema.parse(refused.body).error_code).toBe("INVALID_MFA_CODE");
    const done = await call(oauth.fx, "POST", "/api/v1/auth/login/mfa", { body: { mfa_token: challenge.mfa_token, totp_code: codeAt(secret) } });
    expect(done.status).toBe(200);
    const pair = tokenPairResponseSchema.parse(done.body);
    canaries.addTokens(pair);
    expect(pair.user.id).toBe(created.user.id);
    expect(await sessions()).toBe(before + 1);

    const audit = await oauth.fx.knex("audit_logs").where({ user_id: created.user.id }).whereIn("action", ["mfa_challenge", "oauth_login"]).orderBy("created_at", "asc");
    expect(audit.map((row: { action: string; details: unknown }) => [row.action, row.details])).toEqual([
      ["oauth_login", expect.objectContaining({ provider: PROVIDER, outcome: "created" })],
      ["mfa_challenge", { first_factor: "oauth", provider: PROVIDER }],
      ["oauth_login", expect.objectContaining({ provider: PROVIDER, outcome: "existing_identity", mfa: "totp" })],
    ]);
  });
});
