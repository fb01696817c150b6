import { oauthCallbackResponseSchema } from "@tollgate/contracts";
import { jwtClaims } from "./account-support";
import { Canaries, expectNoCanaryInLogs, registerAndLogin } from "./support";
import { newSubject, startOAuth, type OAuthFixture } from "./oidc/oauth-fixture";

describe("addresses a sign-in provider vouches for", () => {
  const canaries = new Canaries();
  let oauth: OAuthFixture;

  beforeAll(async () => {
    oauth = await startOAuth(canaries);
  });

  afterAll(async () => {
    await oauth.close();
    expectNoCanaryInLogs(canaries, oauth.fx.capture);
  });

  const verifiedAt = async (userId: string): Promise<Date | null> => (await oauth.fx.knex("users").where({ id: userId }).first()).email_verified_at;

  it("when a new account is made through a provider that vouches for its address, then the address is verified from the start and the tokens say so", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
    const body = oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body);
    expect(body.user.email_verified_at).not.toBeNull();
    expect(jwtClaims(body.access_token).email_verified).toBe(true);
    const [audit] = await oauth.fx.knex("audit_logs").where({ user_id: body.user.id, action: "email_verified" });
    expect(audit.details).toMatchObject({ provider: "idp" });
  });

  it("when the provider does not vouch for the address, then the account's address stays unverified", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: false });
    const body = oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body);
    expect(body.user.email_verified_at).toBeNull();
    expect(jwtClaims(body.access_token).email_verified).toBe(false);
    expect(await verifiedAt(body.user.id)).toBeNull();
  });

  it("when a provider vouching for a registered account's address links to it, then that address becomes verified; another address of the provider's does not count", async () => {
    const same = await registerAndLogin(oauth.fx, canaries);
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: same.account.email, email_verified: true });
    expect(oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body).outcome).toBe("linked_by_email");
    expect(await verifiedAt(same.userId)).not.toBeNull();

    const other = await registerAndLogin(oauth.fx, canaries);
    const elsewhere = newSubject();
    oauth.idp.accounts.set(elsewhere, { email: `${elsewhere}@idp.example.test`, email_verified: true });
    expect(oauthCallbackResponseSchema.parse((await oauth.signIn(elsewhere, { token: other.tokens.access_token })).body).outcome).toBe("linked_to_account");
    expect(await verifiedAt(other.userId)).toBeNull();
  });
});
