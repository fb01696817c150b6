import { Secret } from "otpauth";
import { matchTotpStep, newTotpSecret, otpauthUri, totpCodeAt, totpStep } from "./totp";

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890"; its 8-digit
// codes end in the 6 digits used here (a 6-digit code is the same value mod 10^6, RFC 4226 §5.3).
const RFC_SECRET = Secret.fromLatin1("12345678901234567890").base32;
const RFC_VECTORS: [unixSeconds: number, code: string][] = [
  [59, "287082"],
  [1_111_111_109, "081804"],
  [1_111_111_111, "050471"],
  [1_234_567_890, "005924"],
  [2_000_000_000, "279037"],
  [20_000_000_000, "353130"],
];

describe("TOTP (RFC 6238)", () => {
  it("when codes are computed for the RFC's test vectors, then each matches, and each is accepted at its own step", () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect({ seconds, code: totpCodeAt(RFC_SECRET, seconds * 1000) }).toEqual({ seconds, code });
      expect(matchTotpStep(RFC_SECRET, code, seconds * 1000)).toBe(Math.floor(seconds / 30));
    }
  });

  it("when a code is one step early or late, then it is accepted as its own step; two steps away, it is refused", () => {
    const now = 1_700_000_015_000;
    const step = totpStep(now);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + 30_000), now)).toBe(step + 1);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now - 60_000), now)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + 60_000), now)).toBeNull();
  });

  it("when a code is wrong, for another secret, or not six digits, then it matches no step", () => {
    // A fixed instant and fixed secrets, so the test never depends on a chance collision.
    const now = 1_700_000_015_000;
    const near = [-30_000, 0, 30_000].map((offset) => totpCodeAt(RFC_SECRET, now + offset));
    const right = near[1] ?? "";
    const wrong = ["000000", "111111", "222222", "333333"].find((code) => !near.includes(code)) ?? "";
    expect(matchTotpStep(RFC_SECRET, wrong, now)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, right.slice(1), now)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, `${right}0`, now)).toBeNull();
    expect(matchTotpStep(Secret.fromLatin1("another twenty bytes").base32, right, now)).toBeNull();
  });

  it("when a secret is made, then it is 160 random bits in base32, and its key URI names the issuer, account and parameters", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(otpauthUri(secret, { issuer: "Tollgate", accountName: "ada" }));
    expect(`${uri.protocol}//${uri.host}${decodeURIComponent(uri.pathname)}`).toBe("otpauth://totp/Tollgate:ada");
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret, issuer: "Tollgate", algorithm: "SHA1", digits: "6", period: "30" });
  });
});
