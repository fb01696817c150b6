import { isReservedUsername, MIN_PASSWORD_SCORE, PasswordPolicy } from "./password-policy";
import type { PasswordStrength, PasswordStrengthEstimator } from "./password-strength.port";

/** Answers with a fixed verdict and remembers what it was asked (the real zxcvbn runs in test/password-strength.test.ts). */
class FixedEstimator implements PasswordStrengthEstimator {
  readonly calls: { password: string; userInputs: readonly string[] }[] = [];
  constructor(private readonly verdict: PasswordStrength) {}
  async estimate(password: string, userInputs: readonly string[]): Promise<PasswordStrength> {
    this.calls.push({ password, userInputs });
    return this.verdict;
  }
}

const strong: PasswordStrength = { score: 4, guessesLog10: 12, warning: null, suggestions: [] };

describe("password policy", () => {
  it("when the estimate is below the minimum score, then the password is refused with the estimator's warning, its suggestions and what will pass", async () => {
    const policy = new PasswordPolicy(new FixedEstimator({ score: 1, guessesLog10: 4.2, warning: "This is similar to a commonly used password.", suggestions: ["Add more words that are less common."] }));
    expect(await policy.check("password123456")).toEqual({
      ok: false,
      reason: "is too easy to guess: this is similar to a commonly used password. Add more words that are less common. A few unrelated words, or a password your password manager generates, will pass.",
    });
  });

  it("when the estimate is one below the minimum and has no warning, then the reason still says why and what to do", async () => {
    const policy = new PasswordPolicy(new FixedEstimator({ score: (MIN_PASSWORD_SCORE - 1) as 3, guessesLog10: 8, warning: null, suggestions: [] }));
    const verdict = await policy.check("Tollgate2026!!");
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.reason).toMatch(/^is too easy to guess: it follows a pattern .* will pass\.$/);
  });

  it("when the estimate reaches the minimum score, then the password passes (no composition rules)", async () => {
    expect(await new PasswordPolicy(new FixedEstimator(strong)).check("correct horse battery staple")).toEqual({ ok: true });
  });

  it("when a password is checked, then the estimator knows the e-mail, its local part and pieces, the username and the service's name", async () => {
    const estimator = new FixedEstimator(strong);
    await new PasswordPolicy(estimator).check("some long passphrase", { email: "Ada.Lovelace@Example.test", username: "Countess_1815" });
    expect(estimator.calls[0]?.userInputs).toEqual(expect.arrayContaining(["ada.lovelace@example.test", "ada.lovelace", "ada", "lovelace", "countess_1815", "tollgate"]));
  });

  it("when the password is the e-mail or username in another case, then it is refused without an estimate", async () => {
    const estimator = new FixedEstimator(strong);
    const policy = new PasswordPolicy(estimator);
    expect(await policy.check("ADA.LOVELACE@EXAMPLE.TEST", { email: "ada.lovelace@example.test" })).toEqual({ ok: false, reason: "must not be your e-mail address or username" });
    expect(await policy.check("long_enough_name_1", { username: "LONG_ENOUGH_NAME_1" })).toEqual({ ok: false, reason: "must not be your e-mail address or username" });
    expect(estimator.calls).toHaveLength(0);
  });

  it("when the length is counted, then characters count, not UTF-16 units", async () => {
    const policy = new PasswordPolicy(new FixedEstimator(strong));
    expect((await policy.check("🔑".repeat(11))).ok).toBe(false);
    expect((await policy.check("🔑".repeat(12))).ok).toBe(true);
  });

  it("when a username differs from a reserved one only by case, then it is reserved", () => {
    expect(isReservedUsername("AdMiN")).toBe(true);
    expect(isReservedUsername("admiral")).toBe(false);
  });
});
