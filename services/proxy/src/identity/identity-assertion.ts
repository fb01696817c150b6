import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
import type { Grant } from "../domain/grant";
import type { AssertionKey } from "./assertion-keys";

/** Header the upstream reads the assertion from. */
export const ASSERTION_HEADER = "x-tollgate-jwt-assertion";
/** An assertion is valid for a minute at most (and never past its token's expiry). */
const LIFETIME_S = 60;
/** It is signed again when less than this is left, so it arrives with time to spare. */
const RENEW_BEFORE_S = 15;

export interface IdentityAssertionClaims {
  iss: string;
  aud: string;
  /** The user's id. */
  sub: string;
  token_id: string;
  /** The access token's expiry, seconds since the epoch. */
  token_exp: number;
  iat: number;
  exp: number;
}

export interface IdentityAsserterOptions {
  keys: AssertionKey[];
  issuer: string;
  /** Who it is for: by default the upstream's origin. */
  audience: string;
  maxEntries: number;
  now?: () => number;
}

/**
 * Signs who is calling, for the upstream: a JWT (RFC 7519) with `sub` (user id), `token_id`,
 * `token_exp`, `aud` (the upstream), `iss`, `iat` and `exp` at most a minute later, signed with
 * the first configured key and `kid` in its header, so the upstream can check identity headers
 * really came from the gate against the published keys (`GET /.well-known/jwks.json`).
 * Assertions are kept per token and signed again 15 s before they expire: one signature per token
 * per 45 s, whatever the request rate.
 */
export class IdentityAsserter {
  private readonly cache: LRUCache<string, { assertion: string; renewAt: number }>;
  private readonly now: () => number;
  private readonly signer: AssertionKey;

  constructor(private readonly options: IdentityAsserterOptions) {
    const [signer] = options.keys;
    if (!signer) throw new Error("identity assertions need at least one key");
    this.signer = signer;
    this.cache = new LRUCache({ max: options.maxEntries });
    this.now = options.now ?? Date.now;
  }

  /** The compact JWS for this grant, from the cache when it has more than 15 s left. */
  assertion(grant: Grant): string {
    const now = this.now();
    const cached = this.cache.get(grant.tokenId);
    if (cached && cached.renewAt > now) return cached.assertion;
    const iat = Math.floor(now / 1000);
    const tokenExp = Math.floor(grant.expiresAt / 1000);
    const exp = Math.max(iat + 1, Math.min(iat + LIFETIME_S, tokenExp));
    const claims: IdentityAssertionClaims = { iss: this.options.issuer, aud: this.options.audience, sub: grant.userId, token_id: grant.tokenId, token_exp: tokenExp, iat, exp };
    const assertion = jwt.sign(claims, this.signer.privateKey, { algorithm: this.signer.alg, keyid: this.signer.kid });
    this.cache.set(grant.tokenId, { assertion, renewAt: (exp - RENEW_BEFORE_S) * 1000 });
    return assertion;
  }

  /** The public halves of every configured key, as a JWK Set (RFC 7517 §5). */
  jwks(): { keys: AssertionKey["publicJwk"][] } {
    return { keys: this.options.keys.map((key) => key.publicJwk) };
  }
}
