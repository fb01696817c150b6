import { accountErrorCodes, billingErrorCodes, tokenErrorCodes } from "@tollgate/contracts";
import { AppError, ConflictError, ForbiddenError, IdempotencyKeyInUseError as KitIdempotencyKeyInUseError, IdempotencyKeyReusedError as KitIdempotencyKeyReusedError, NotFoundError } from "@tollgate/service-kit";

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

/** A purchase with this `Idempotency-Key` has not finished yet. */
export class IdempotencyKeyInUseError extends KitIdempotencyKeyInUseError {
  constructor() {
    super("a purchase");
  }
}

/** The same `Idempotency-Key` was sent with another body. */
export class IdempotencyKeyReusedError extends KitIdempotencyKeyReusedError {
  constructor() {
    super("request body");
  }
}

/** An owner's refund of a token whose whole price an administrator refunded already: the token was made unusable then. */
export class TokenAlreadyRefundedError extends ConflictError {
  constructor() {
    super("an administrator already refunded this token's whole price; there is nothing left to refund", tokenErrorCodes.TOKEN_ALREADY_REFUNDED);
  }
}

/** Only a token never used can be returned for a refund; this one was activated. */
export class TokenAlreadyUsedError extends ConflictError {
  constructor(status: string) {
    super(`only a token never used can be refunded; this one was used and is ${status}`, tokenErrorCodes.TOKEN_ALREADY_USED);
  }
}

/** Never used, but revoked when its account was disabled: not the owner's to return. */
export class TokenNotRefundableError extends ConflictError {
  constructor() {
    super("this token was revoked when its account was disabled and cannot be refunded; ask an administrator", tokenErrorCodes.TOKEN_NOT_REFUNDABLE);
  }
}

/** Billing's 402: the wallet cannot pay the price; nothing was debited. */
export class InsufficientFundsError extends AppError {
  constructor(detail = "your wallet cannot pay for this token; top up and try again") {
    super(402, billingErrorCodes.INSUFFICIENT_FUNDS, detail);
  }
}

/** The purchase was given up (billing down too long, or a crash) and its money returned: buy again with a new key. */
export class PurchaseCancelledError extends ConflictError {
  constructor(detail = "this purchase did not finish and was cancelled; anything debited was refunded; buy again with a new Idempotency-Key") {
    super(detail, billingErrorCodes.PURCHASE_CANCELLED);
  }
}
