import { isReservedUsername, loadCommonPasswords, PasswordPolicy } from "./password-policy";

describe("password policy", () => {
  const common = loadCommonPasswords();
  const policy = new PasswordPolicy(common);

  it("when the shipped list is loaded, then it holds at least 10,000 distinct entries", () => {
    expect(common.size).toBeGreaterThanOrEqual(10_000);
  });

  it("when a listed password of 12+ characters is checked in any case, then it is refused with a reason", () => {
    const listed = [...common].find((entry) => entry.length >= 12);
    expect(listed).toBeDefined();
    const verdict = policy.check((listed ?? "").toUpperCase());
    expect(verdict).toEqual({ ok: false, reason: "is on the list of commonly used passwords" });
  });

  it("when a long unlisted password has no digits or symbols, then it passes (no composition rules)", () => {
    expect(policy.check("correct horse battery staple")).toEqual({ ok: true });
  });

  it("when the length is counted, then characters count, not UTF-16 units", () => {
    expect(policy.check("🔑".repeat(11)).ok).toBe(false);
    expect(policy.check("🔑".repeat(12)).ok).toBe(true);
  });

  it("when a username differs from a reserved one only by case, then it is reserved", () => {
    expect(isReservedUsername("AdMiN")).toBe(true);
    expect(isReservedUsername("admiral")).toBe(false);
  });
});
