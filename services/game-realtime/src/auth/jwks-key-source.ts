import { createPublicKey, type KeyObject } from "node:crypto";
import { jwksSchema } from "@tollgate/contracts";

export interface KeySource {
  getKey(kid: string): Promise<KeyObject | undefined>;
}

/**
 * The auth service's public keys by `kid`, fetched from its JWKS. An unknown kid triggers one
 * refetch (a key rotation), at most every `minRefetchMs`, so a flood of forged kids cannot turn
 * into a flood of requests to the auth service.
 */
export class JwksKeySource implements KeySource {
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: { url: string; minRefetchMs?: number; timeoutMs?: number }) {}

  async getKey(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (Date.now() - this.lastFetch >= (this.options.minRefetchMs ?? 30_000)) await this.refresh();
    return this.keys.get(kid);
  }

  refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetch = Date.now();
    const response = await fetch(this.options.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000) });
    if (!response.ok) throw new Error(`JWKS fetch answered ${response.status}`);
    const jwks = jwksSchema.parse(await response.json());
    this.keys = new Map(jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: "jwk" })]));
  }
}
