/**
 * Public keys for JWT verification, fetched from the auth service's JWKS and cached by `kid`.
 *
 *   const keys = new JwksKeyStore({ fetchJwks: httpJwksFetcher("http://auth:3001/.well-known/jwks.json") });
 *   const key = await keys.getKey(kid); // undefined when the kid is unknown even after a refetch
 *
 * An unknown kid triggers one refetch (a rotation published a new key), but at most one fetch per
 * `minRefetchIntervalMs`: a flood of tokens with invented kids must not turn into a flood of
 * requests against the auth service. Concurrent callers share one in-flight fetch.
 *
 * Choosing and importing the key is jose's (`createLocalJWKSet`: kty, alg and use must fit RS256);
 * when to fetch stays here, because the auth service feeds its own store from its database rather
 * than over HTTP, and jose's remote set can take neither another source nor a test clock.
 */
import type { KeyObject } from "node:crypto";
import { jwksSchema, type Jwks } from "@tollgate/contracts";
import { createLocalJWKSet, errors } from "jose";
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

interface KeySet {
  kids: ReadonlySet<string>;
  select: ReturnType<typeof createLocalJWKSet>;
  /** Keys jose already chose, so the hot path is one map lookup as before. */
  chosen: Map<string, KeyObject>;
}

export class JwksKeyStore implements KeySource {
  private keys: KeySet | undefined;
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
    if (!this.keys?.kids.has(kid) || stale) await this.refresh().catch((error: unknown) => {
      // With keys still cached a failed refresh is not fatal; with none we cannot verify anything.
      if (!this.keys?.kids.size) throw new DependencyUnavailableError("auth JWKS", { cause: error });
    });
    const keys = this.keys;
    if (!keys?.kids.has(kid)) return undefined;
    const chosen = keys.chosen.get(kid);
    if (chosen) return chosen;
    try {
      // In Node, jose's keys are KeyObjects.
      const key = (await keys.select({ alg: "RS256", kid })) as KeyObject;
      keys.chosen.set(kid, key);
      return key;
    } catch (error) {
      // Two keys under one kid, or a key that does not fit RS256: no usable key for this token.
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.lastFetchAt < this.minRefetchIntervalMs) return Promise.resolve();
    this.lastFetchAt = this.now();
    this.inFlight = this.options
      .fetchJwks()
      .then((jwks) => {
        const parsed = jwksSchema.parse(jwks);
        this.keys = { kids: new Set(parsed.keys.map((jwk) => jwk.kid)), select: createLocalJWKSet(parsed), chosen: new Map() };
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
