/**
 * Verifies the JWTs the auth service issues: user access tokens (`typ: "access"`) and service
 * tokens (`typ: "service"` with a space-separated `scope`).
 *
 *   const verifier = new JwtVerifier({ keys, issuer: "tollgate-auth", audience: "tollgate" });
 *   const user = await verifier.verifyAccessToken(bearer);    // AccessTokenClaims or AuthenticationError
 *   const svc = await verifier.verifyServiceToken(bearer, "tokens:validate");
 *
 * Rules: RS256 only (the header's `alg` must say so; `none` and HMAC are refused before any key is
 * touched), `kid` required and restricted to [A-Za-z0-9_-], `exp` required, `nbf`/`iat` honoured,
 * `iss` and `aud` must match, `typ` must match the kind asked for, and the claims must parse with
 * the contract schema. A token past its `exp` is a 401 `BEARER_TOKEN_EXPIRED` (the signature is
 * checked first, so only a genuine token is ever called expired: the client should refresh); every
 * other failure is the same 401 `BEARER_TOKEN_INVALID`. Both name the bearer JWT, never the access
 * tokens the token service sells (`TOKEN_INVALID`, `TOKEN_EXPIRED`). Callers that need to tell the
 * two apart compare `errorCode` with `BEARER_TOKEN_EXPIRED`, never the message or the cause.
 *
 * The JOSE work (parsing, algorithm pinning, signature, registered claims) is jose's `jwtVerify`;
 * what is ours is the key lookup (`KeySource`), the header and `iat` rules jose leaves open, the
 * claim schemas, and which 401 each failure becomes.
 */
import { accessTokenClaimsSchema, commonErrorCodes, serviceTokenClaimsSchema, type AccessTokenClaims, type ServiceTokenClaims } from "@tollgate/contracts";
import { errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from "jose";
import type { z } from "zod";
import { AuthenticationError, ForbiddenError } from "../errors";
import type { KeySource } from "./jwks-key-store";

export const BEARER_TOKEN_INVALID = commonErrorCodes.BEARER_TOKEN_INVALID;
export const BEARER_TOKEN_EXPIRED = commonErrorCodes.BEARER_TOKEN_EXPIRED;
export const INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE";

export interface JwtVerifierOptions {
  keys: KeySource;
  issuer: string;
  audience: string;
  /** Allowed clock skew for exp/nbf/iat, in seconds. */
  clockToleranceSeconds?: number;
  now?: () => number;
}

/** Three base64url parts: jose's decoder would skip stray characters, so one token could be spelled many ways. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const KID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_TOKEN_LENGTH = 8_192;

export class JwtVerifier {
  private readonly tolerance: number;
  private readonly now: () => number;

  constructor(private readonly options: JwtVerifierOptions) {
    this.tolerance = options.clockToleranceSeconds ?? 5;
    this.now = options.now ?? Date.now;
  }

  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const claims = await this.verify(token);
    return parseClaims(accessTokenClaimsSchema, claims, "access");
  }

  /** Verifies a service token and, when `requiredScope` is given, that it carries that scope (403 if not). */
  async verifyServiceToken(token: string, requiredScope?: string): Promise<ServiceTokenClaims> {
    const claims = parseClaims(serviceTokenClaimsSchema, await this.verify(token), "service");
    if (requiredScope !== undefined && !claims.scope.split(" ").includes(requiredScope)) {
      throw new ForbiddenError(`token lacks scope ${requiredScope}`, INSUFFICIENT_SCOPE);
    }
    return claims;
  }

  /** Signature and registered claims (jose's `jwtVerify`); returns the raw payload. */
  private async verify(token: string): Promise<JWTPayload> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw invalid("malformed token");
    const now = this.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor, {
        // Checked against the header before any key is looked up: `none` and HMAC never get that far.
        algorithms: ["RS256"],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ["exp"],
        clockTolerance: this.tolerance,
        currentDate: new Date(now),
      }));
    } catch (error) {
      // jose checks the signature before the claims, so only a genuine token is ever called expired.
      if (error instanceof errors.JOSEError) throw error.code === errors.JWTExpired.code ? expired() : invalid(error.message);
      throw error; // our own refusal from keyFor, or the JWKS being unavailable (503)
    }
    // jose checks `iat` only together with a maximum age; a token from the future is refused here.
    if (payload.iat !== undefined && payload.iat > now / 1000 + this.tolerance) throw invalid("token issued in the future");
    return payload;
  }

  private readonly keyFor = async (header: JWTHeaderParameters) => {
    if (typeof header.kid !== "string" || !KID.test(header.kid) || (header.typ !== undefined && header.typ !== "JWT")) throw invalid("unsupported token header");
    const key = await this.options.keys.getKey(header.kid);
    if (!key) throw invalid("unknown signing key");
    return key;
  };
}

function parseClaims<S extends z.ZodType>(schema: S, claims: Record<string, unknown>, typ: string): z.infer<S> {
  if (claims.typ !== typ) throw invalid(`not a ${typ} token`);
  const parsed = schema.safeParse(claims);
  if (!parsed.success) throw invalid("unexpected claims");
  return parsed.data;
}

function invalid(reason: string): AuthenticationError {
  // The reason helps the caller's logs; the client only learns that the token was refused.
  return new AuthenticationError("invalid bearer token", BEARER_TOKEN_INVALID, { cause: reason });
}

function expired(): AuthenticationError {
  return new AuthenticationError("bearer token has expired", BEARER_TOKEN_EXPIRED, { cause: "token expired" });
}
