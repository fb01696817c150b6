import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { Jwk, Jwks } from "@tollgate/contracts";
import type { SigningKey, SigningKeyRepositoryPort } from "./signing-key.repository.port";

export interface SigningKeyOptions {
  /** How long a retired key stays published: longest token lifetime plus the cache period. */
  keepRetiredSeconds: number;
  /** How long an instance keeps using the key it loaded before looking for a newer one. */
  cacheSeconds: number;
  /** A new key is published this long before it signs anything (verifiers' refetch interval must be shorter). */
  activationDelaySeconds: number;
}

/**
 * RS256 on libuv's thread pool (crypto.sign with a callback): an RSA-2048 signature costs about a
 * millisecond of CPU here, which on the main thread showed up in every request's event-loop delay
 * during a login storm (login-storm bench).
 */
function signAsync(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign("RSA-SHA256", data, key, (error, signature) => (error ? reject(error) : resolve(signature))));
}

/** A fresh RSA-2048 key with a random kid, ready to store. */
export function generateSigningKey(): Omit<SigningKey, "createdAt" | "retiredAt"> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(12).toString("base64url");
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const publicJwk: Jwk = { kty: "RSA", kid, use: "sig", alg: "RS256", n: jwk.n, e: jwk.e };
  return { kid, privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), publicJwk };
}

/**
 * Signs RS256 JWTs with the current database key. Instances cache it for `cacheSeconds`, which is
 * why a retired key stays in the JWKS for the token lifetime plus that period. A rotated-in key is
 * in the JWKS for `activationDelaySeconds` before it signs, so a verifier that refetches on an
 * unknown kid at most once per that delay never refuses a fresh token.
 */
export class TokenSigner {
  private cached: { kid: string; key: KeyObject; loadedAt: number } | undefined;

  constructor(
    private readonly keys: SigningKeyRepositoryPort,
    private readonly options: SigningKeyOptions,
  ) {}

  /** Adds a new key; it signs once `activationDelaySeconds` have passed. */
  async rotate(): Promise<string> {
    const key = generateSigningKey();
    await this.keys.add(key, { onlyIfNone: false, activationDelaySeconds: this.options.activationDelaySeconds });
    return key.kid;
  }

  /**
   * Creates the first key when there is none (idempotent across instances), and seals any stored
   * key not yet sealed with the current key-encryption key. Returns how many keys it resealed.
   */
  async ensureKey(): Promise<{ resealed: number }> {
    const resealed = await this.reseal();
    if (!(await this.keys.current(this.options.activationDelaySeconds))) {
      await this.keys.add(generateSigningKey(), { onlyIfNone: true, activationDelaySeconds: this.options.activationDelaySeconds });
    }
    return { resealed };
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const { kid, key } = await this.currentKey();
    const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    const signature = await signAsync(Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${signature.toString("base64url")}`;
  }

  /** Seals every stored private key not sealed with the current key-encryption key; returns how many. */
  reseal(): Promise<number> {
    return this.keys.resealAll();
  }

  /** Deletes retired keys no token they signed can still need; returns how many. */
  prune(): Promise<number> {
    return this.keys.prune(this.options.keepRetiredSeconds);
  }

  async jwks(): Promise<Jwks> {
    const keys = await this.keys.published(this.options.keepRetiredSeconds);
    return { keys: keys.map((key) => key.publicJwk) };
  }

  private async currentKey(): Promise<{ kid: string; key: KeyObject }> {
    if (this.cached && Date.now() - this.cached.loadedAt < this.options.cacheSeconds * 1000) return this.cached;
    const current = await this.keys.current(this.options.activationDelaySeconds);
    if (!current) throw new Error("no signing key: run the service once or the rotate-keys command");
    this.cached = { kid: current.kid, key: createPrivateKey(current.privateKeyPem), loadedAt: Date.now() };
    return this.cached;
  }
}
