import { profileFrom } from "./provider-profile";

describe("provider profile", () => {
  const claims = { sub: "person-1", email: "token@example.test", email_verified: true, preferred_username: "from_token" };

  it("when userinfo names another subject than the verified ID token, then 502 OAUTH_PROVIDER_ERROR", () => {
    expect(() => profileFrom("idp", { idTokenClaims: claims, userinfo: { sub: "person-2" } })).toThrow(expect.objectContaining({ statusCode: 502, errorCode: "OAUTH_PROVIDER_ERROR" }));
  });

  it("when userinfo has an address, then it and its own email_verified count; otherwise the ID token's", () => {
    expect(profileFrom("idp", { idTokenClaims: claims, userinfo: { sub: "person-1", email: "info@example.test", email_verified: "false" } })).toEqual({ subject: "person-1", email: "info@example.test", emailVerified: false, name: "from_token" });
    expect(profileFrom("idp", { idTokenClaims: claims, userinfo: {} })).toEqual({ subject: "person-1", email: "token@example.test", emailVerified: true, name: "from_token" });
  });

  it("when a plain OAuth 2.0 profile has no usable subject or an address the account table cannot hold, then 502, or no address", () => {
    expect(() => profileFrom("hub", { idTokenClaims: undefined, userinfo: { id: 1.5 } })).toThrow(expect.objectContaining({ statusCode: 502 }));
    expect(() => profileFrom("hub", { idTokenClaims: undefined, userinfo: { sub: "x".repeat(256) } })).toThrow(expect.objectContaining({ statusCode: 502 }));
    expect(profileFrom("hub", { idTokenClaims: undefined, userinfo: { id: 7, email: "not an address", email_verified: true } })).toMatchObject({ subject: "7", email: null, emailVerified: false });
  });
});
