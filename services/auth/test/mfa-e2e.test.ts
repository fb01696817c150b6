import { randomUUID } from "node:crypto";
import { errorBodySchema, tokenPairResponseSchema } from "@tollgate/contracts";
import { startE2eStack, type E2eStack } from "@tollgate/test-harness";
import { codeAt, loginForChallenge, turnOnTotp, wrongCode } from "./mfa-support";
import { call, Canaries } from "./support";

/**
 * Two-factor sign-in end to end: every service a process of its own behind the real nginx
 * gateway, spoken to only through the gateway, as a desktop client does.
 */
describe("two-factor sign-in through the gateway", () => {
  const canaries = new Canaries();
  let stack: E2eStack;
  let gateway: { baseUrl: string };

  beforeAll(async () => {
    stack = await startE2eStack();
    gateway = { baseUrl: stack.gatewayUrl };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("when a user enrols TOTP, then login needs the code, the session it opens works on other services, and a recovery code works once", async () => {
    const username = `mfa${randomUUID().slice(0, 8)}`;
    const password = canaries.add(`pass-${randomUUID()}`);
    expect((await call(gateway, "POST", "/api/v1/auth/register", { body: { email: `${username}@example.test`, username, password } })).status).toBe(201);
    const first = tokenPairResponseSchema.parse((await call(gateway, "POST", "/api/v1/auth/login", { body: { login: username, password } })).body);
    const { secret, otpauthUri, recoveryCodes } = await turnOnTotp(gateway, first.access_token, canaries);
    expect(otpauthUri).toContain(`otpauth://totp/Tollgate:${username}?`);
    expect(recoveryCodes).toHaveLength(10);

    // The password alone no longer opens a session.
    const challenge = await loginForChallenge(gateway, username, password, canaries);
    expect(challenge).toMatchObject({ status: "MFA_REQUIRED", methods: ["totp", "recovery_code"] });
    expect(challenge).not.toHaveProperty("access_token");
    const wrong = await call(gateway, "POST", "/api/v1/auth/login/mfa", { body: { mfa_token: challenge.mfa_token, totp_code: wrongCode(secret) } });
    expect(wrong.status).toBe(401);
    expect(errorBodySchema.parse(wrong.body).error_code).toBe("INVALID_MFA_CODE");

    const withCode = await call(gateway, "POST", "/api/v1/auth/login/mfa", { body: { mfa_token: challenge.mfa_token, totp_code: codeAt(secret) } });
    expect(withCode.status).toBe(200);
    const pair = tokenPairResponseSchema.parse(withCode.body);
    expect((await call(gateway, "GET", "/api/v1/users/me", { token: pair.access_token })).body).toMatchObject({ username });
    // The token service verifies the session's JWT against auth's JWKS like any other.
    expect((await call(gateway, "GET", "/api/v1/tokens/my-tokens", { token: pair.access_token })).status).toBe(200);

    const recoveryCode = recoveryCodes[0] ?? "";
    const withRecovery = await call(gateway, "POST", "/api/v1/auth/login/mfa", { body: { mfa_token: (await loginForChallenge(gateway, username, password, canaries)).mfa_token, recovery_code: recoveryCode } });
    expect(withRecovery.status).toBe(200);
    expect(tokenPairResponseSchema.parse(withRecovery.body).user.username).toBe(username);

    const again = await call(gateway, "POST", "/api/v1/auth/login/mfa", { body: { mfa_token: (await loginForChallenge(gateway, username, password, canaries)).mfa_token, recovery_code: recoveryCode } });
    expect(again.status).toBe(401);
    expect(errorBodySchema.parse(again.body)).toMatchObject({ error_code: "INVALID_MFA_CODE", status_code: 401 });
    expect(errorBodySchema.parse(again.body).request_id).toBeTruthy();
  });

  it("when the second step is flooded from one address, then the gateway refuses the excess with 429 RATE_LIMITED, as it does for login", async () => {
    // The stack allows 100 a second with a burst of 100 on the credential routes; 300 at once exceed it.
    // An empty body is refused by the service (422) before any budget: every 429 is the gateway's.
    const answers = await Promise.all(Array.from({ length: 300 }, () => call(gateway, "POST", "/api/v1/auth/login/mfa", { body: {} })));
    const statuses = new Set(answers.map((answer) => answer.status));
    expect([...statuses].sort()).toEqual([422, 429]);
    const limited = answers.find((answer) => answer.status === 429);
    expect(errorBodySchema.parse(limited?.body).error_code).toBe("RATE_LIMITED");
  });
});
