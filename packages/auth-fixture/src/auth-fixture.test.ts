import { startAuthFixture, type AuthFixture } from "./index";

describe("auth fixture", () => {
  let auth: AuthFixture;

  beforeAll(async () => {
    auth = await startAuthFixture();
  });

  afterAll(async () => {
    await auth.close();
  });

  it("when a user signs in through the real auth service, then the shared verifier accepts the access token", async () => {
    const user = await auth.user();
    const claims = await auth.verifier.verifyAccessToken(user.token);
    expect(claims).toMatchObject({ sub: user.userId, sid: user.sessionId, role: "user", typ: "access" });
  });

  it("when a service token is issued for a scope, then the verifier accepts it for that scope only", async () => {
    const token = await auth.serviceToken("tokens:validate");
    await expect(auth.verifier.verifyServiceToken(token, "tokens:validate")).resolves.toMatchObject({ typ: "service" });
    await expect(auth.verifier.verifyServiceToken(token, "games:read")).rejects.toMatchObject({ statusCode: 403 });
  });
});
