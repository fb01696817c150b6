import { codeChallengeS256, randomToken } from "./pkce";

describe("PKCE", () => {
  it("when the RFC 7636 appendix B verifier is hashed, then the challenge is the one the RFC gives", () => {
    expect(codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("when tokens are drawn, then each is 43 base64url characters and they differ", () => {
    const [a, b] = [randomToken(), randomToken()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
