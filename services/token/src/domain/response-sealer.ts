import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over a JSON answer, so the plaintext token of a completed purchase is never stored
 * in the clear while it waits to be replayed. Layout: iv (12) ‖ tag (16) ‖ ciphertext. The purchase
 * id is the additional data, so a sealed answer cannot be moved to another purchase.
 */
export class ResponseSealer {
  private readonly key: Buffer;

  /** `keyBase64`: IDEMPOTENCY_ENCRYPTION_KEY, base64 of 32 bytes. Throws on any other length. */
  constructor(keyBase64: string) {
    this.key = Buffer.from(keyBase64, "base64");
    if (this.key.length !== 32) throw new Error("the idempotency encryption key must be 32 bytes");
  }

  seal(purchaseId: string, value: unknown): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(purchaseId, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
  }

  /** Throws when the data was altered or sealed under another key or purchase. */
  open(purchaseId: string, sealed: Buffer): unknown {
    const decipher = createDecipheriv("aes-256-gcm", this.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(purchaseId, "utf8"));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plaintext = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plaintext.toString("utf8"));
  }
}
