import { newRefreshToken, sealSuccessor, tokenSha256, unsealSuccessor } from "./refresh-token";

describe("refresh tokens", () => {
  it("when a token is generated, then it carries 256 bits and its hash is 64 hex characters", () => {
    const token = newRefreshToken();
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(tokenSha256(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(newRefreshToken()).not.toBe(token);
  });

  it("when a successor is sealed with the old token, then only that old token opens it", () => {
    const old = newRefreshToken();
    const successor = newRefreshToken();
    const sealed = sealSuccessor(old, successor);
    expect(sealed).not.toContain(successor);
    expect(unsealSuccessor(old, sealed)).toBe(successor);
    expect(unsealSuccessor(newRefreshToken(), sealed)).toBeUndefined();
    const [iv, tag, data] = sealed.split(".") as [string, string, string];
    const tampered = Buffer.from(data, "base64url");
    tampered[0] = (tampered[0] ?? 0) ^ 0x01;
    expect(unsealSuccessor(old, [iv, tag, tampered.toString("base64url")].join("."))).toBeUndefined();
  });
});
