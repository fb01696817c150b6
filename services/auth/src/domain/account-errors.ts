import { accountErrorCodes } from "@tollgate/contracts";
import { AppError, BadRequestError, ConflictError, NotFoundError } from "@tollgate/service-kit";

/** Unknown, expired, used, or sent to an address the account no longer has: one answer. */
export const invalidVerificationTokenError = (): AppError =>
  new BadRequestError("the verification link is unknown, expired or already used; ask for a new one", accountErrorCodes.INVALID_VERIFICATION_TOKEN);

/** Unknown, expired or used: one answer. */
export const invalidResetTokenError = (): AppError => new BadRequestError("the reset link is unknown, expired or already used; ask for a new one", accountErrorCodes.INVALID_RESET_TOKEN);

export const emailAlreadyVerifiedError = (): AppError => new ConflictError("this account's e-mail address is already verified", accountErrorCodes.EMAIL_ALREADY_VERIFIED);

/** Someone else's session, or none: one answer. */
export const sessionNotFoundError = (): AppError => new NotFoundError("no session of yours has that id", accountErrorCodes.SESSION_NOT_FOUND);
