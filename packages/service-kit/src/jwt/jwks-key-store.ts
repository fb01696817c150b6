/**
 * Public keys for JWT verification, fetched from the auth service's JWKS and cached by `kid`.
 *
 *   const keys = new JwksKeyStore({ fetchJwks: httpJwksFetcher("http://auth:3001/.well-known/jwks.json") });
 *   const key = await keys.getKey(kid); // undefined when the kid is unknown even after a refetch
 *
 * An unknown kid triggers one refetch (a rotation published a new key), but at most one fetch per
 * `minRefetchIntervalMs`: a flood of tokens with invented kids must not turn into a flood of
 * requests against the auth service. Concurrent callers share one in-flight fetch.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { jwksSchema, type Jwks } from "@tollgate/contracts";
import { DependencyUnavailableError } from "../errors";

export type JwksFetcher = () => Promise<Jwks>;

/** Anything that can map a `kid` to an RSA public key. */
export interface KeySource {
  getKey(kid: string): Promise<KeyObject | undefined>;
}

export interface JwksKeyStoreOptions {
  fetchJwks: JwksFetcher;
  /** Lower bound between two fetches triggered by unknown kids. */
  minRefetchIntervalMs?: number;
  /** Known keys are refreshed in the background of the next lookup after this long. */
  maxAgeMs?: number;
  now?: () => number;
}

export class JwksKeyStore implements KeySource {
  private keys = new Map<string, KeyObject>();
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly minRefetchIntervalMs: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 30_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async getKey(kid: string): Promise<KeyObject | undefined> {
    const stale = this.now() - this.lastFetchAt > this.maxAgeMs;
    if (!this.keys.has(kid) || stale) await this.refresh().catch((error: unknown) => {
      // With keys still cached a failed refresh is not fatal; with none we cannot verify anything.
      if (this.keys.size === 0) throw new DependencyUnavailableError("auth JWKS", { cause: error });
    });
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.lastFetchAt < this.minRefetchIntervalMs) return Promise.resolve();
    this.lastFetchAt = this.now();
    this.inFlight = this.options
      .fetchJwks()
      .then((jwks) => {
        const parsed = jwksSchema.parse(jwks);
        const next = new Map<string, KeyObject>();
        for (const jwk of parsed.keys) next.set(jwk.kid, createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" }));
        this.keys = next;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

/** Fetches a JWKS document over HTTP with a timeout. */
export function httpJwksFetcher(url: string, timeoutMs = 3_000): JwksFetcher {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`JWKS fetch from ${url} answered ${response.status}`);
    return jwksSchema.parse(await response.json());
  };
}
