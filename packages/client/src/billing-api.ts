import {
  priceListSchema,
  receiptSchema,
  topUpResponseSchema,
  walletSchema,
  walletTransactionPageSchema,
  type PriceList,
  type Receipt,
  type TopUpResponse,
  type Wallet,
  type WalletTransactionPage,
} from "@tollgate/contracts";
import { idempotentPost } from "./purchase";

/** How the SDK sends one request (the client's own, with its session and error handling). */
export type BillingCall = (method: "GET" | "POST", path: string, options: { body?: unknown; anonymous?: boolean; headers?: Record<string, string> }) => Promise<unknown>;

/** A top-up's `Idempotency-Key` (default: a random UUID, kept across the SDK's own retries) and attempts (default 3). */
export interface TopUpOptions {
  idempotencyKey?: string;
  attempts?: number;
}

/**
 * The signed-in user's money at the billing service. Amounts are integers in the currency's minor
 * units (cents for "usd") with a lower-case ISO 4217 `currency`; `formatMoney` prints them.
 * Every call rejects with `TollgateError` (401 when not logged in, 422 `VALIDATION_ERROR` for a bad
 * amount or cursor, status 0 `NETWORK_ERROR` when the gateway cannot be reached).
 */
export class BillingApi {
  constructor(private readonly call: BillingCall) {}

  /** What each duration costs now: `{ currency, prices: [{ duration_hours, unit_amount, price_id }] }`. No login needed. */
  async prices(): Promise<PriceList> {
    return priceListSchema.parse(await this.call("GET", "/api/v1/billing/prices", { anonymous: true }));
  }

  /** My wallet: `{ currency, balance, updated_at }`; balance 0 and `updated_at` null if it was never used. */
  async wallet(): Promise<Wallet> {
    return walletSchema.parse(await this.call("GET", "/api/v1/billing/wallet", {}));
  }

  /**
   * My wallet's movements, newest first, a page at a time (`limit` 1–100, default 20): top-ups,
   * purchases, refunds, adjustments, each with a signed `amount` (+ credit, − debit). Pass a
   * page's `next_cursor` as `cursor` for the next; `next_cursor` is null on the last page.
   */
  async transactions(page: { limit?: number; cursor?: string } = {}): Promise<WalletTransactionPage> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set("limit", String(page.limit));
    if (page.cursor !== undefined) query.set("cursor", page.cursor);
    const suffix = query.size > 0 ? `?${query.toString()}` : "";
    return walletTransactionPageSchema.parse(await this.call("GET", `/api/v1/billing/transactions${suffix}`, {}));
  }

  /**
   * A card top-up of `amount` minor units through Stripe Checkout: resolves `{ id, status: "open",
   * amount, currency, checkout_url }`; the wallet is credited when the payment succeeds (the
   * provider tells billing), never by this call. Rejects with 503 `PAYMENTS_NOT_CONFIGURED` when the
   * deployment takes no card payments, 503 `PAYMENT_PROVIDER_ERROR` when the provider failed, 422
   * `VALIDATION_ERROR` outside the deployment's range (the error's `issues[0]` carries `minimum`,
   * `maximum` and `currency`: `topUpAmountIssueSchema`). Sent with an `Idempotency-Key` and retried
   * with it on a lost answer, so one call opens one top-up.
   */
  async topUp(amount: number, options: TopUpOptions = {}): Promise<TopUpResponse> {
    return topUpResponseSchema.parse(await idempotentPost((path, request) => this.call("POST", path, request), "/api/v1/billing/top-ups", { amount }, options));
  }

  /**
   * Development only: credits `amount` minor units at once (`status: "succeeded"`, `balance_after`).
   * A production deployment answers 404 `NOT_FOUND`, as for any unknown route. Idempotent like `topUp`.
   */
  async devTopUp(amount: number, options: TopUpOptions = {}): Promise<TopUpResponse> {
    return topUpResponseSchema.parse(await idempotentPost((path, request) => this.call("POST", path, request), "/api/v1/billing/dev/top-ups", { amount }, options));
  }

  /** The receipt of one of my purchases (price paid, when, refunds). Rejects with 404 `PURCHASE_NOT_FOUND` for another user's or an unknown one. */
  async receipt(purchaseId: string): Promise<Receipt> {
    return receiptSchema.parse(await this.call("GET", `/api/v1/billing/receipts/${encodeURIComponent(purchaseId)}`, {}));
  }
}
