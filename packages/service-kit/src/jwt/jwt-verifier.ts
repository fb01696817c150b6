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
 * tokens the token service sells (`TOKEN_INVALID`, `TOKEN_EXPIRED`).
 */
import { verify as verifySignature } from "node:crypto";
import { accessTokenClaimsSchema, commonErrorCodes, serviceTokenClaimsSchema, type AccessTokenClaims, type ServiceTokenClaims } from "@tollgate/contracts";
import { z } from "zod";
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

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 8_192;

const headerSchema = z.object({
  alg: z.literal("RS256"),
  kid: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  typ: z.literal("JWT").optional(),
});

const timeClaimsSchema = z.object({
  exp: z.number().finite(),
  nbf: z.number().finite().optional(),
  iat: z.number().finite().optional(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
});

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

  /** Signature and registered claims; returns the raw payload. */
  private async verify(token: string): Promise<Record<string, unknown>> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) throw invalid("malformed token");
    const parts = token.split(".");
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw invalid("malformed token");
    const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
    const header = headerSchema.safeParse(decodeJson(encodedHeader));
    if (!header.success) throw invalid("unsupported token header");
    const key = await this.options.keys.getKey(header.data.kid);
    if (!key) throw invalid("unknown signing key");
    const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`);
    if (!verifySignature("RSA-SHA256", signed, key, Buffer.from(encodedSignature, "base64url"))) throw invalid("bad signature");
    const payload = decodeJson(encodedPayload);
    const time = timeClaimsSchema.safeParse(payload);
    if (!time.success || typeof payload !== "object" || payload === null) throw invalid("missing registered claims");
    const nowSeconds = this.now() / 1000;
    if (time.data.exp <= nowSeconds - this.tolerance) throw expired();
    if (time.data.nbf !== undefined && time.data.nbf > nowSeconds + this.tolerance) throw invalid("token not yet valid");
    if (time.data.iat !== undefined && time.data.iat > nowSeconds + this.tolerance) throw invalid("token issued in the future");
    if (time.data.iss !== this.options.issuer) throw invalid("wrong issuer");
    const audiences = Array.isArray(time.data.aud) ? time.data.aud : [time.data.aud];
    if (!audiences.includes(this.options.audience)) throw invalid("wrong audience");
    return payload as Record<string, unknown>;
  }
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
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
