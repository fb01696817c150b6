import { errorBodySchema } from "@tollgate/contracts";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import { ZxcvbnStrengthEstimator } from "../src/data/zxcvbn-strength.estimator";
import type { PasswordStrength, PasswordStrengthEstimator } from "../src/domain/password-strength.port";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

/** The real zxcvbn worker, counting the passwords it is asked about. */
class CountingEstimator implements PasswordStrengthEstimator {
  estimates = 0;
  constructor(private readonly inner: PasswordStrengthEstimator) {}
  estimate(password: string, userInputs: readonly string[]): Promise<PasswordStrength> {
    this.estimates++;
    return this.inner.estimate(password, userInputs);
  }
}

describe("password strength (zxcvbn on a worker thread)", () => {
  const canaries = new Canaries();
  const zxcvbn = new ZxcvbnStrengthEstimator();
  const estimator = new CountingEstimator(zxcvbn);
  let fx: AuthFixture;

  beforeAll(async () => {
    await zxcvbn.ready();
    fx = await startAuth({}, { passwordStrength: estimator });
  });

  afterAll(async () => {
    await fx.close();
    await zxcvbn.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when a user changes to a common or patterned password, then 422 WEAK_PASSWORD on new_password, and the old password still logs in", async () => {
    const { account, tokens } = await registerAndLogin(fx, canaries);
    for (const weak of ["password123456", "Tollgate2026!!", account.email]) {
      const response = await call(fx, "POST", "/api/v1/users/me/password", { token: tokens.access_token, body: { current_password: account.password, new_password: weak } });
      expect(response.status).toBe(422);
      expect(errorBodySchema.parse(response.body)).toMatchObject({ error_code: "WEAK_PASSWORD", errors: [{ path: "new_password" }] });
    }
    const login = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.email, password: account.password } });
    expect(login.status).toBe(200);
    canaries.addTokens(login.body);
  });

  it("when users log in, right or wrong, then the strength estimator is never consulted (it runs only where a password is set)", async () => {
    const { account } = await registerAndLogin(fx, canaries);
    const before = estimator.estimates;
    for (const password of [account.password, canaries.add("canary-wrong-at-login-pw"), account.password]) {
      const response = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.username, password } });
      canaries.addTokens(response.body);
    }
    expect(estimator.estimates).toBe(before);
  });

  it("when the worker ends while an estimate is pending, then that estimate fails with 503 and the next one starts a new worker", async () => {
    const own = new ZxcvbnStrengthEstimator();
    await own.ready();
    const pending = own.estimate("correct horse battery staple violet", []);
    await own.close();
    await expect(pending).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(await own.estimate("password123456", [])).toMatchObject({ score: 1, warning: "This is similar to a commonly used password." });
    await own.close();
  });
});
