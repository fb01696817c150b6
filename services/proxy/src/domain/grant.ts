import { tokenErrorCodes } from "@tollgate/contracts";
import { AppError } from "@tollgate/service-kit";

/** What a valid access token grants: who, which token, until when. */
export interface Grant {
  tokenId: string;
  userId: string;
  expiresAt: number;
}

export class TokenMissingError extends AppError {
  constructor() {
    super(401, tokenErrorCodes.TOKEN_MISSING, "send your access token in the X-Access-Token header");
  }
}

