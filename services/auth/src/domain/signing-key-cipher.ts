import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "sealed:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a cipher seals: named in its errors, and bound into every value it seals. */
export interface SealedValuePurpose {
  /** "signing key", "TOTP secret": how errors name a value. */
  noun: string;
  /** What the id bound into each value is ("kid", "user"). */
  idName: string;
  /** The additional authenticated data's prefix; never shared between purposes. */
  context: string;
}

export const signingKeyPurpose: SealedValuePurpose = { noun: "signing key", idName: "kid", context: "tollgate-signing-key" };
export const totpSecretPurpose: SealedValuePurpose = { noun: "TOTP secret", idName: "user", context: "tollgate-totp-secret" };

/** A key-encryption key and its public fingerprint (first 16 hex of its SHA-256), which names it in each sealed value. */
interface KeyEncryptionKey {
  id: string;
  key: Buffer;
}

export class SigningKeyCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyCipherError";
  }
}

/**
 * Seals signing keys' private PEMs at rest with AES-256-GCM under key-encryption keys from
 * configuration (`SIGNING_KEYS_ENCRYPTION_KEYS`): the first seals, every one opens, so a new one
 * can be put first and the old ones dropped once every row is resealed. Each value is bound to its
 * kid (additional authenticated data), so a sealed key cannot be copied onto another row. Stored
 * form: `sealed:v1:<kek fingerprint>:<base64url of iv ‖ tag ‖ ciphertext>`. Without keys, PEMs are
 * stored as they are (development only: production configuration requires a key). TOTP secrets
 * are sealed the same way, under the same keys, bound to their user and to their own purpose.
 */
export class SigningKeyCipher {
  private readonly keys: KeyEncryptionKey[];

  /**
   * @param purpose what the sealed values are, for error messages, and the context bound into
   * each (AAD `<context>:<id>`): the same keys seal TOTP secrets under their own context
   * (`totpSecretPurpose`), so a sealed signing key can never be opened as a TOTP secret or back.
   */
  constructor(
    keys: readonly Buffer[],
    private readonly purpose: SealedValuePurpose = signingKeyPurpose,
  ) {
    for (const key of keys) if (key.length !== 32) throw new SigningKeyCipherError("a key-encryption key must be 32 bytes");
    this.keys = keys.map((key) => ({ id: createHash("sha256").update(key).digest("hex").slice(0, 16), key }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  seal(kid: string, privateKeyPem: string): string {
    const current = this.keys[0];
    if (!current) return privateKeyPem;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", current.key, iv).setAAD(this.aad(kid));
    const ciphertext = Buffer.concat([cipher.update(privateKeyPem, "utf8"), cipher.final()]);
    return `${PREFIX}${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
  }

  open(kid: string, stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [id, body] = stored.slice(PREFIX.length).split(":");
    const entry = this.keys.find((candidate) => candidate.id === id);
    if (!entry) {
      throw new SigningKeyCipherError(
        this.enabled
          ? `${this.purpose.noun} ${kid} is sealed with key-encryption key ${id ?? "?"}, which is not in SIGNING_KEYS_ENCRYPTION_KEYS`
          : `${this.purpose.noun} ${kid} is sealed; set SIGNING_KEYS_ENCRYPTION_KEYS to the key it was sealed with`,
      );
    }
    const raw = Buffer.from(body ?? "", "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", entry.key, raw.subarray(0, IV_BYTES)).setAAD(this.aad(kid));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new SigningKeyCipherError(`${this.purpose.noun} ${kid} does not open: altered, or sealed for another ${this.purpose.idName}`);
    }
  }

  /** True when a stored value is not sealed with the current key (plain, or under an older one) and a key is configured. */
  needsReseal(stored: string): boolean {
    const current = this.keys[0];
    return current !== undefined && !stored.startsWith(`${PREFIX}${current.id}:`);
  }

  private aad(id: string): Buffer {
    return Buffer.from(`${this.purpose.context}:${id}`, "utf8");
  }
}
