import { tokenErrorCodes } from "@tollgate/contracts";
import { AppError, ConflictError, NotFoundError } from "@tollgate/service-kit";

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
