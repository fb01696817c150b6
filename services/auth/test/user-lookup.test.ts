import { errorBodySchema, userLookupResponseSchema } from "@tollgate/contracts";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

describe("looking another user up by username", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth();
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when a signed-in user looks up another by username in any case, then 200 with only their id and username as registered", async () => {
    const seeker = await registerAndLogin(fx, canaries);
    const sought = await registerAndLogin(fx, canaries);
    const res = await call(fx, "GET", `/api/v1/users/by-username/${sought.account.username.toUpperCase()}`, { token: seeker.tokens.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: sought.userId, username: sought.account.username });
    expect(userLookupResponseSchema.parse(res.body).id).toBe(sought.userId);
    expect(JSON.stringify(res.body)).not.toContain(sought.account.email);
  });

  it("when no user has that username, then 404 USER_NOT_FOUND in the standard error body", async () => {
    const seeker = await registerAndLogin(fx, canaries);
    const res = await call(fx, "GET", "/api/v1/users/by-username/nobody_by_that_name", { token: seeker.tokens.access_token });
    expect(res.status).toBe(404);
    expect(errorBodySchema.parse(res.body).error_code).toBe("USER_NOT_FOUND");
  });

  it("when the user's account is disabled, then 404 USER_NOT_FOUND: a disabled account cannot be named as an opponent", async () => {
    const seeker = await registerAndLogin(fx, canaries);
    const disabled = await registerAndLogin(fx, canaries);
    await fx.knex("users").where({ id: disabled.userId }).update({ disabled_at: new Date() });
    const res = await call(fx, "GET", `/api/v1/users/by-username/${disabled.account.username}`, { token: seeker.tokens.access_token });
    expect(res.status).toBe(404);
    expect(errorBodySchema.parse(res.body).error_code).toBe("USER_NOT_FOUND");
  });

  it("when the name cannot be a username, then 422 VALIDATION_ERROR", async () => {
    const seeker = await registerAndLogin(fx, canaries);
    const res = await call(fx, "GET", "/api/v1/users/by-username/no%20spaces", { token: seeker.tokens.access_token });
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
  });

  it("when nobody is signed in, then 401 and nothing about the user", async () => {
    const sought = await registerAndLogin(fx, canaries);
    const res = await call(fx, "GET", `/api/v1/users/by-username/${sought.account.username}`);
    expect(res.status).toBe(401);
    expect(errorBodySchema.parse(res.body).error_code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(res.body)).not.toContain(sought.userId);
  });
});
