import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** 256 random bits, base64url. Only its SHA-256 is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

export function tokenSha256(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function sealKey(oldToken: string): Buffer {
  return createHash("sha256").update(`refresh-successor:${oldToken}`).digest();
}

/**
 * Encrypts the successor with a key derived from the old token, so that inside the grace window a
 * second request holding the old token can be given the same successor, while the database alone
 * (which only has the old token's hash) cannot reveal it.
 */
export function sealSuccessor(oldToken: string, successor: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(oldToken), iv);
  const sealed = Buffer.concat([cipher.update(successor, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString("base64url")).join(".");
}

export function unsealSuccessor(oldToken: string, sealed: string): string | undefined {
  const [iv, tag, data] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !tag || !data) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKey(oldToken), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}
