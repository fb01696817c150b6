import { accountErrorCodes } from "@tollgate/contracts";
import { BadRequestError, ConflictError, NotFoundError } from "@tollgate/service-kit";

/** Unknown, expired, used, or sent to an address the account no longer has: one answer. */
export class InvalidVerificationTokenError extends BadRequestError {
  constructor() {
    super("the verification link is unknown, expired or already used; ask for a new one", accountErrorCodes.INVALID_VERIFICATION_TOKEN);
  }
}

/** Unknown, expired or used: one answer. */
export class InvalidResetTokenError extends BadRequestError {
  constructor() {
    super("the reset link is unknown, expired or already used; ask for a new one", accountErrorCodes.INVALID_RESET_TOKEN);
  }
}

export class EmailAlreadyVerifiedError extends ConflictError {
  constructor() {
    super("this account's e-mail address is already verified", accountErrorCodes.EMAIL_ALREADY_VERIFIED);
  }
}

/** Someone else's session, or none: one answer. (An administrator's lookup answers admin-errors' SessionNotFoundError.) */
export class OwnSessionNotFoundError extends NotFoundError {
  constructor() {
    super("no session of yours has that id", accountErrorCodes.SESSION_NOT_FOUND);
  }
}
