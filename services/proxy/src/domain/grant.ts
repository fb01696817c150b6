import { createHash } from "node:crypto";
import { tokenErrorCodes } from "@tollgate/contracts";
import { AppError } from "@tollgate/service-kit";

/** What a valid access token grants: who, which token, until when. */
export interface Grant {
  tokenId: string;
  userId: string;
  expiresAt: number;
}

export type RejectionCode = typeof tokenErrorCodes.TOKEN_INVALID | typeof tokenErrorCodes.TOKEN_EXPIRED | typeof tokenErrorCodes.TOKEN_REVOKED;

export class TokenRejectedError extends AppError {
  constructor(readonly code: RejectionCode) {
    super(401, code, { TOKEN_INVALID: "access token is not valid", TOKEN_EXPIRED: "access token has expired", TOKEN_REVOKED: "access token has been revoked" }[code]);
  }
}

export class TokenMissingError extends AppError {
  constructor() {
    super(401, tokenErrorCodes.TOKEN_MISSING, "send your access token in the X-Access-Token header");
  }
}

export const tokenHash = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");
