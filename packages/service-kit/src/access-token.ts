// The gated application's access tokens, as the token service issues them and the proxy checks
// them: one hash and one refusal, shared so the two cannot drift apart.
import { createHash } from "node:crypto";
import { tokenErrorCodes } from "@tollgate/contracts";
import { AppError } from "./errors";

/**
 * SHA-256 of an access token's value, lower-case hex (64 characters): what the token service stores
 * instead of the value and what the proxy caches grants and tunnels under. A plain fast hash is
 * enough because the value is 48 random bytes (OWASP Password Storage: slow hashes are for
 * low-entropy secrets); it never leaves the services.
 */
export function accessTokenHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Why a presented access token grants nothing. */
export type AccessTokenRejection = typeof tokenErrorCodes.TOKEN_INVALID | typeof tokenErrorCodes.TOKEN_EXPIRED | typeof tokenErrorCodes.TOKEN_REVOKED;

const DETAILS: Record<AccessTokenRejection, string> = {
  TOKEN_INVALID: "access token is not valid",
  TOKEN_EXPIRED: "access token has expired",
  TOKEN_REVOKED: "access token has been revoked",
};

/** A presented access token that does not grant access: always 401, with the code the proxy passes on to the client. */
export class TokenRejectedError extends AppError {
  constructor(readonly code: AccessTokenRejection) {
    super(401, code, DETAILS[code]);
  }
}
