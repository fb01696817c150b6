import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeSha256 } from "./recovery-codes";

describe("recovery codes", () => {
  it("when codes are made, then there are ten, distinct, each four groups of four Crockford base32 characters", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  });

  it("when a code is typed in capitals, without dashes, with spaces, or with I, L and O for 1, 1 and 0, then it hashes as the code shown", () => {
    const shown = "1a0b-c2d3-e4f5-g6h7";
    const hash = recoveryCodeSha256(normaliseRecoveryCode(shown) ?? "");
    for (const typed of ["1A0B-C2D3-E4F5-G6H7", "1a0bc2d3e4f5g6h7", "1a0b c2d3 e4f5 g6h7", "Ia0b-c2d3-e4f5-g6h7", "la0b-c2d3-e4f5-g6h7", "1aOb-c2d3-e4f5-g6h7"]) {
      expect({ typed, hash: recoveryCodeSha256(normaliseRecoveryCode(typed) ?? "") }).toEqual({ typed, hash });
    }
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("when what is typed cannot be a recovery code, then it normalises to nothing (no lookup is made)", () => {
    for (const typed of ["", "123456", "1a0b-c2d3-e4f5-g6h", "1a0b-c2d3-e4f5-g6h7-x", "1a0b-c2d3-e4f5-g6hu"]) expect(normaliseRecoveryCode(typed)).toBeUndefined();
  });
});
