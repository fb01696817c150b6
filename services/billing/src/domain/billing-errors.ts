import { billingErrorCodes } from "@tollgate/contracts";
import { AppError, ConflictError, DependencyUnavailableError, NotFoundError, ValidationError } from "@tollgate/service-kit";

/** 402: the wallet cannot pay; nothing was debited. */
export class InsufficientFundsError extends AppError {
  constructor(needed: number, currency: string) {
    super(402, billingErrorCodes.INSUFFICIENT_FUNDS, `the wallet cannot pay ${needed} (${currency}, minor units); top it up and try again`);
  }
}

/** 409: the purchase id was cancelled or refunded before; a late debit never takes money. */
export class PurchaseCancelledError extends ConflictError {
  constructor() {
    super("this purchase was cancelled or refunded; start a new purchase", billingErrorCodes.PURCHASE_CANCELLED);
  }
}

/** 409: the purchase id was debited before for another user or duration. */
export class PurchaseMismatchError extends ConflictError {
  constructor() {
    super("this purchase id was debited with a different user_id or duration_hours", billingErrorCodes.PURCHASE_MISMATCH);
  }
}

/** 409: the buyer named the price they were shown, and the duration's current price is another version; nothing was debited. */
export class PriceChangedError extends ConflictError {
  constructor(current: { id: string; durationHours: number; unitAmount: number; currency: string }) {
    super(
      `the price of a ${current.durationHours} h token changed: it is now ${current.unitAmount} (${current.currency}, minor units; price_id ${current.id}); nothing was debited, confirm the new price and buy again`,
      billingErrorCodes.PRICE_CHANGED,
    );
  }
}

/** 422: the purchase named a price_id that was never a price of its duration in this currency; nothing was debited. */
export class UnknownPriceError extends ValidationError {
  constructor(priceId: string, durationHours: number, currency: string) {
    super(
      `price_id ${priceId} is not a price of a ${durationHours} h token in ${currency}, current or earlier; nothing was debited. GET /api/v1/billing/prices lists the current prices`,
      [{ path: "price_id", message: `not a price of a ${durationHours} h token` }],
      billingErrorCodes.UNKNOWN_PRICE,
    );
  }
}

export class PurchaseNotFoundError extends NotFoundError {
  constructor() {
    super("purchase not found", billingErrorCodes.PURCHASE_NOT_FOUND);
  }
}

/** 409: an admin refund larger than what is left unrefunded. */
export class RefundExceedsPurchaseError extends ConflictError {
  constructor(remaining: number) {
    super(`at most ${remaining} (minor units) is left to refund on this purchase`, billingErrorCodes.REFUND_EXCEEDS_PURCHASE);
  }
}

/** 503: card payments need STRIPE_SECRET_KEY (webhooks STRIPE_WEBHOOK_SECRET). */
export class PaymentsNotConfiguredError extends DependencyUnavailableError {
  constructor(what = "card top-ups") {
    super("payments", { errorCode: billingErrorCodes.PAYMENTS_NOT_CONFIGURED, detail: `${what} are not configured on this deployment`, retryAfterSeconds: 3600 });
  }
}
