import { accountErrorCodes, tokenErrorCodes } from "@tollgate/contracts";
import { AppError, ConflictError, ForbiddenError, NotFoundError } from "@tollgate/service-kit";

/** REQUIRE_VERIFIED_EMAIL is on and the buyer's access JWT does not say the address is verified. */
export class EmailNotVerifiedError extends ForbiddenError {
  constructor() {
    super("verify your e-mail address before buying (the link in the mail; if you just did, refresh your session or log in again)", accountErrorCodes.EMAIL_NOT_VERIFIED);
  }
}

export class TokenLimitReachedError extends ConflictError {
  constructor(limit: number) {
    super(`you already hold ${limit} pending or active tokens; revoke one or let it expire`, tokenErrorCodes.TOKEN_LIMIT_REACHED);
  }
}

export class TokenNotFoundError extends NotFoundError {
  constructor() {
    super("token not found");
  }
}

/** Why a presented token does not grant access: always 401, with a code the proxy passes on. */
export class TokenRejectedError extends AppError {
  constructor(code: typeof tokenErrorCodes.TOKEN_INVALID | typeof tokenErrorCodes.TOKEN_EXPIRED | typeof tokenErrorCodes.TOKEN_REVOKED) {
    const detail = {
      TOKEN_INVALID: "access token is not valid",
      TOKEN_EXPIRED: "access token has expired",
      TOKEN_REVOKED: "access token has been revoked",
    }[code];
    super(401, code, detail);
  }
}
