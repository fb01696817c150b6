import { z } from "zod";
import { freeTextSchema } from "./common";
import { pageCursorSchema } from "./page-cursor";
import { durationHoursSchema } from "./tokens";

/**
 * The billing service's HTTP bodies. Money is an integer `amount` in the currency's minor unit
 * (cents for `usd`) with a lower-case ISO 4217 `currency`, as Stripe writes them.
 */

export const currencySchema = z.string().regex(/^[a-z]{3}$/, "currency must be a lower-case ISO 4217 code such as usd");
/** A non-negative amount in minor units. */
export const amountSchema = z.number().int().min(0).max(100_000_000);
/** Largest amount one top-up, adjustment or refund may move, in minor units. */
export const MAX_MOVEMENT_AMOUNT = 10_000_000;

export const billingErrorCodes = {
  /** The wallet cannot pay the price; nothing was debited. */
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  /** This purchase id was cancelled or refunded before: a late debit never takes money. */
  PURCHASE_CANCELLED: "PURCHASE_CANCELLED",
  /** The purchase id was debited before for another user or duration. */
  PURCHASE_MISMATCH: "PURCHASE_MISMATCH",
  PURCHASE_NOT_FOUND: "PURCHASE_NOT_FOUND",
  /** An admin refund larger than what is left unrefunded of the purchase. */
  REFUND_EXCEEDS_PURCHASE: "REFUND_EXCEEDS_PURCHASE",
  /** Card top-ups need STRIPE_SECRET_KEY (and webhooks STRIPE_WEBHOOK_SECRET). */
  PAYMENTS_NOT_CONFIGURED: "PAYMENTS_NOT_CONFIGURED",
  /** The payment provider did not answer or refused the request. */
  PAYMENT_PROVIDER_ERROR: "PAYMENT_PROVIDER_ERROR",
  /** A webhook whose `Stripe-Signature` does not verify. */
  INVALID_SIGNATURE: "INVALID_SIGNATURE",
  /** A price list in a currency other than the one the service sells in. */
  CURRENCY_NOT_SUPPORTED: "CURRENCY_NOT_SUPPORTED",
  /**
   * The purchase named the price its buyer was shown (`price_id`), and the duration's current
   * price is another price version: nothing was debited; show the new price and ask again.
   */
  PRICE_CHANGED: "PRICE_CHANGED",
  /**
   * The purchase named a `price_id` that was never a price of its duration in the service's
   * currency (another duration's, or none at all): nothing was debited. Distinct from
   * PRICE_CHANGED, which names an earlier price of the same duration.
   */
  UNKNOWN_PRICE: "UNKNOWN_PRICE",
} as const;

// ——— internal (token service → billing, service token with scope billing:purchases) ———

export const purchaseDebitRequestSchema = z.strictObject({
  user_id: z.uuid().toLowerCase(),
  duration_hours: durationHoursSchema,
  /** The price the buyer was shown; when it is no longer the duration's current price, 409 PRICE_CHANGED and nothing is debited. */
  price_id: z.uuid().toLowerCase().optional(),
});
export type PurchaseDebitRequest = z.infer<typeof purchaseDebitRequestSchema>;

export const purchaseDebitResponseSchema = z.object({
  purchase_id: z.uuid().toLowerCase(),
  user_id: z.uuid().toLowerCase(),
  status: z.literal("debited"),
  amount: amountSchema,
  currency: currencySchema,
  /** The price version charged. */
  price_id: z.uuid().toLowerCase(),
  /** The wallet's balance right after this debit. */
  balance_after: z.number().int(),
  debited_at: z.iso.datetime({ offset: true }),
});
export type PurchaseDebitResponse = z.infer<typeof purchaseDebitResponseSchema>;

export const purchaseRefundReasons = ["purchase_failed", "unused_token_returned"] as const;
/** Every refund's `reason` code: the token service's two, and an administrator's refund (their words go in `description`). */
export const refundReasonCodes = [...purchaseRefundReasons, "admin_refund"] as const;
export type RefundReasonCode = (typeof refundReasonCodes)[number];
export const purchaseRefundRequestSchema = z.strictObject({ reason: z.enum(purchaseRefundReasons) });
export type PurchaseRefundRequest = z.infer<typeof purchaseRefundRequestSchema>;

export const purchaseRefundResponseSchema = z.object({
  purchase_id: z.uuid().toLowerCase(),
  /** `refunded`: a debit existed and is returned in full; `cancelled`: none existed, a later debit is refused. */
  status: z.enum(["refunded", "cancelled"]),
  /**
   * What the refund this request made returned to the wallet (the same on a repeat): the price
   * less any admin refund made before it, 0 when an admin had returned it all or when cancelled.
   */
  amount: amountSchema,
  currency: currencySchema,
  refund_id: z.uuid().toLowerCase().nullable(),
  balance_after: z.number().int().nullable(),
});
export type PurchaseRefundResponse = z.infer<typeof purchaseRefundResponseSchema>;

export const purchaseStatusSchema = z.enum(["debited", "refunded", "cancelled"]);
export const purchaseStatusResponseSchema = z.object({
  purchase_id: z.uuid().toLowerCase(),
  status: purchaseStatusSchema,
  amount: amountSchema,
  currency: currencySchema,
  price_id: z.uuid().toLowerCase().nullable(),
});
export type PurchaseStatusResponse = z.infer<typeof purchaseStatusResponseSchema>;

export const purchaseIdParamsSchema = z.object({ purchase_id: z.uuid().toLowerCase() });

// ——— public ———

export const priceSchema = z.object({ duration_hours: durationHoursSchema, unit_amount: amountSchema, price_id: z.uuid().toLowerCase() });
export const priceListSchema = z.object({ currency: currencySchema, prices: z.array(priceSchema) });
export type PriceList = z.infer<typeof priceListSchema>;

export const walletSchema = z.object({ currency: currencySchema, balance: z.number().int(), updated_at: z.iso.datetime({ offset: true }).nullable() });
export type Wallet = z.infer<typeof walletSchema>;

export const ledgerKinds = ["top_up", "purchase", "refund", "adjustment", "provider_refund", "dispute"] as const;
export const walletTransactionSchema = z.object({
  id: z.uuid().toLowerCase(),
  kind: z.enum(ledgerKinds),
  /** Signed: positive credits the wallet, negative debits it. */
  amount: z.number().int(),
  currency: currencySchema,
  reference: z.object({ type: z.enum(["top_up", "purchase", "refund", "adjustment"]), id: z.uuid().toLowerCase() }),
  description: z.string(),
  created_at: z.iso.datetime({ offset: true }),
});
export type WalletTransaction = z.infer<typeof walletTransactionSchema>;

export const walletTransactionPageSchema = z.object({ data: z.array(walletTransactionSchema), next_cursor: z.string().nullable() });
export type WalletTransactionPage = z.infer<typeof walletTransactionPageSchema>;

export const walletTransactionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The `next_cursor` of the previous page, unchanged; absent for the first page. */
  cursor: pageCursorSchema.optional(),
});
export type WalletTransactionsQuery = z.infer<typeof walletTransactionsQuerySchema>;

export const receiptSchema = z.object({
  purchase_id: z.uuid().toLowerCase(),
  duration_hours: durationHoursSchema,
  status: purchaseStatusSchema,
  amount: amountSchema,
  currency: currencySchema,
  price_id: z.uuid().toLowerCase(),
  debited_at: z.iso.datetime({ offset: true }),
  refunds: z.array(
    z.object({
      refund_id: z.uuid().toLowerCase(),
      amount: amountSchema,
      /** Why, as a code: `purchase_failed`, `unused_token_returned` (the token service's) or `admin_refund`. */
      reason: z.enum(refundReasonCodes),
      /** An administrator's own words for an `admin_refund`; null otherwise. */
      description: z.string().nullable(),
      created_at: z.iso.datetime({ offset: true }),
    }),
  ),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** TOP_UP_MIN_AMOUNT / TOP_UP_MAX_AMOUNT of a deployment, minor units. */
export interface TopUpBounds {
  minAmount: number;
  maxAmount: number;
}

/** The one message every top-up amount outside the deployment's bounds gets (a fraction, 0, negative, 1e300 alike). */
export const topUpAmountMessage = ({ minAmount, maxAmount }: TopUpBounds, currency: string): string =>
  `must be from ${minAmount} to ${maxAmount} (whole minor units of ${currency}; TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT)`;

/**
 * A top-up's body, for the deployment's bounds. Each check aborts the next, so an amount out of
 * range gets one message, never zod's safe-integer and range messages together.
 */
export const topUpRequestSchemaFor = (bounds: TopUpBounds, currency = "usd") => {
  const error = topUpAmountMessage(bounds, currency);
  return z.strictObject({
    amount: z.number({ error: "must be a number (minor units)" }).int({ error, abort: true }).min(bounds.minAmount, { error, abort: true }).max(bounds.maxAmount, { error }),
  });
};
/** The widest shape (each deployment narrows it to its TOP_UP_MIN_AMOUNT..TOP_UP_MAX_AMOUNT; its /openapi.json says which). */
export const topUpRequestSchema = topUpRequestSchemaFor({ minAmount: 1, maxAmount: MAX_MOVEMENT_AMOUNT });
export type TopUpRequest = z.infer<typeof topUpRequestSchema>;

/**
 * The `errors[]` item of a top-up's 422 when the amount is out of range: the bounds and currency
 * beside the message, so a client can say them in money as a person writes it.
 */
export const topUpAmountIssueSchema = z.object({
  path: z.literal("amount"),
  message: z.string(),
  minimum: z.number().int(),
  maximum: z.number().int(),
  currency: currencySchema,
});
export type TopUpAmountIssue = z.infer<typeof topUpAmountIssueSchema>;

export const topUpResponseSchema = z.object({
  id: z.uuid().toLowerCase(),
  status: z.enum(["open", "succeeded"]),
  amount: amountSchema,
  currency: currencySchema,
  /** Where the user pays (Stripe Checkout); null for a development top-up, credited at once. */
  checkout_url: z.url().nullable(),
  /** The wallet's balance after a development top-up; null while a card payment is open. */
  balance_after: z.number().int().nullable(),
});
export type TopUpResponse = z.infer<typeof topUpResponseSchema>;

/**
 * A Stripe event as its webhook delivers it (after the `Stripe-Signature` check): billing reads
 * `id`, `type` and `data.object`; every other field Stripe sends is kept, whatever its API version.
 */
export const stripeWebhookEventSchema = z.looseObject({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.looseObject({ object: z.looseObject({}) }),
});
export type StripeWebhookEvent = z.infer<typeof stripeWebhookEventSchema>;

export const webhookAckSchema = z.object({ received: z.literal(true) });

// ——— admin ———

export const adminWalletSchema = walletSchema.extend({ user_id: z.uuid().toLowerCase() });
export type AdminWallet = z.infer<typeof adminWalletSchema>;

export const userIdParamsSchema = z.object({ user_id: z.uuid().toLowerCase() });

export const adjustmentRequestSchema = z.strictObject({
  user_id: z.uuid().toLowerCase(),
  /** Signed and non-zero: positive credits, negative debits (never below zero). */
  amount: z
    .number()
    .int()
    .min(-MAX_MOVEMENT_AMOUNT)
    .max(MAX_MOVEMENT_AMOUNT)
    .refine((value) => value !== 0, "amount must not be zero"),
  reason: freeTextSchema(3, 500, { trim: true }),
});
export type AdjustmentRequest = z.infer<typeof adjustmentRequestSchema>;

export const adjustmentResponseSchema = z.object({
  /** The adjustment's id: what its transaction's `reference.id` names in the transactions lists. */
  id: z.uuid().toLowerCase(),
  /** The ledger transaction that moved the money: the `id` of its entry in the transactions lists. */
  transaction_id: z.uuid().toLowerCase(),
  user_id: z.uuid().toLowerCase(),
  amount: z.number().int(),
  currency: currencySchema,
  reason: z.string(),
  balance_after: z.number().int(),
  created_at: z.iso.datetime({ offset: true }),
});
export type AdjustmentResponse = z.infer<typeof adjustmentResponseSchema>;

/** `reason`: the administrator's own words, kept as the refund's `description` (its `reason` code is `admin_refund`). */
export const adminRefundRequestSchema = z.strictObject({ purchase_id: z.uuid().toLowerCase(), amount: z.number().int().min(1).max(MAX_MOVEMENT_AMOUNT), reason: freeTextSchema(3, 500, { trim: true }) });
export type AdminRefundRequest = z.infer<typeof adminRefundRequestSchema>;

export const adminRefundResponseSchema = z.object({
  refund_id: z.uuid().toLowerCase(),
  purchase_id: z.uuid().toLowerCase(),
  amount: amountSchema,
  currency: currencySchema,
  /** What is left to refund of the purchase after this one. */
  remaining: amountSchema,
  balance_after: z.number().int(),
  created_at: z.iso.datetime({ offset: true }),
});
export type AdminRefundResponse = z.infer<typeof adminRefundResponseSchema>;

export const setPricesRequestSchema = z.strictObject({
  currency: currencySchema,
  prices: z
    .array(z.strictObject({ duration_hours: durationHoursSchema, unit_amount: amountSchema }))
    .min(1)
    .max(5)
    .refine((prices) => new Set(prices.map((price) => price.duration_hours)).size === prices.length, "each duration_hours at most once"),
});
export type SetPricesRequest = z.infer<typeof setPricesRequestSchema>;
