import { randomBytes } from "node:crypto";
import { SigningKeyCipher, SigningKeyCipherError, totpSecretPurpose } from "./signing-key-cipher";

const pem = "-----BEGIN PRIVATE KEY-----\nnot a real key, only text to seal\n-----END PRIVATE KEY-----\n";

describe("SigningKeyCipher", () => {
  const current = randomBytes(32);
  const previous = randomBytes(32);

  it("when a key is sealed, then the stored text hides it, names its key-encryption key, and opens to the same PEM", () => {
    const cipher = new SigningKeyCipher([current]);
    const sealed = cipher.seal("kid-1", pem);
    expect(sealed).toMatch(/^sealed:v1:[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("PRIVATE");
    expect(cipher.open("kid-1", sealed)).toBe(pem);
    // A fresh IV each time: the same key sealed twice never gives the same text.
    expect(cipher.seal("kid-1", pem)).not.toBe(sealed);
  });

  it("when a sealed value is altered, or opened for another kid, then it is refused", () => {
    const cipher = new SigningKeyCipher([current]);
    const sealed = cipher.seal("kid-1", pem);
    const body = sealed.slice(sealed.lastIndexOf(":") + 1);
    const flipped = Buffer.from(body, "base64url");
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(() => cipher.open("kid-1", sealed.replace(body, flipped.toString("base64url")))).toThrow(SigningKeyCipherError);
    expect(() => cipher.open("kid-2", sealed)).toThrow(/altered, or sealed for another kid/);
  });

  it("when a value sealed for one purpose is opened as another (same keys, same id), then it is refused, naming what it is", () => {
    const keys = new SigningKeyCipher([current]);
    const secrets = new SigningKeyCipher([current], totpSecretPurpose);
    const sealed = secrets.seal("user-1", "JBSWY3DPEHPK3PXP");
    expect(secrets.open("user-1", sealed)).toBe("JBSWY3DPEHPK3PXP");
    expect(() => keys.open("user-1", sealed)).toThrow(SigningKeyCipherError);
    expect(() => secrets.open("user-1", keys.seal("user-1", pem))).toThrow("TOTP secret user-1 does not open: altered, or sealed for another user");
  });

  it("when the key-encryption key is rotated, then values under the previous one still open and are flagged for resealing", () => {
    const old = new SigningKeyCipher([previous]).seal("kid-1", pem);
    const rotated = new SigningKeyCipher([current, previous]);
    expect(rotated.open("kid-1", old)).toBe(pem);
    expect(rotated.needsReseal(old)).toBe(true);
    expect(rotated.needsReseal(rotated.seal("kid-1", pem))).toBe(false);
    expect(rotated.needsReseal(pem)).toBe(true);
    expect(() => new SigningKeyCipher([current]).open("kid-1", old)).toThrow(/not in SIGNING_KEYS_ENCRYPTION_KEYS/);
  });

  it("when no key-encryption key is configured, then PEMs pass through, sealed ones are refused with the setting to set, and nothing is flagged", () => {
    const none = new SigningKeyCipher([]);
    expect(none.enabled).toBe(false);
    expect(none.seal("kid-1", pem)).toBe(pem);
    expect(none.open("kid-1", pem)).toBe(pem);
    expect(none.needsReseal(pem)).toBe(false);
    expect(() => none.open("kid-1", new SigningKeyCipher([current]).seal("kid-1", pem))).toThrow(/set SIGNING_KEYS_ENCRYPTION_KEYS/);
  });

  it("when a key-encryption key is not 32 bytes, then the cipher is not built", () => {
    expect(() => new SigningKeyCipher([randomBytes(16)])).toThrow(/32 bytes/);
  });
});
