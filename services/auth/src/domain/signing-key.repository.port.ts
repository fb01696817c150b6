import type { Jwk } from "@tollgate/contracts";

/** A key as the JWKS shows it. */
export interface PublishedKey {
  kid: string;
  publicJwk: Jwk;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface SigningKey extends PublishedKey {
  privateKeyPem: string;
}

/** Stored signing keys; data/signing-key.repository.ts implements it. */
export interface SigningKeyRepositoryPort {
  /**
   * The key to sign with: the newest one published for at least `activationDelaySeconds`, so every
   * verifier has had the chance to fetch it before it meets a token signed by it. On first start
   * (no key old enough yet) the newest key.
   */
  current(activationDelaySeconds: number): Promise<SigningKey | undefined>;
  /** Keys still able to verify a token: active ones, and retired ones within `keepRetiredSeconds`. */
  published(keepRetiredSeconds: number): Promise<PublishedKey[]>;
  /**
   * Adds a key under an advisory lock; the keys before it are retired from the moment the new one
   * takes over (`activationDelaySeconds` from now). With `onlyIfNone`, does nothing when a key
   * exists (first start of several instances at once).
   */
  add(key: Omit<SigningKey, "createdAt" | "retiredAt">, { onlyIfNone, activationDelaySeconds }: {
    onlyIfNone: boolean;
    activationDelaySeconds: number;
  }): Promise<boolean>;
  /**
   * Seals every stored private key that is not sealed with the cipher's current key: keys written
   * before encryption was configured, or under a key-encryption key being retired. Under the key
   * lock, so instances starting together reseal each row once. Returns how many rows changed.
   */
  resealAll(): Promise<number>;
  /** Deletes retired keys past the point where any token they signed could still be valid. */
  prune(keepRetiredSeconds: number): Promise<number>;
}
