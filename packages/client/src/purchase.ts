import { errorCodes, purchaseTokenResponseSchema, type DurationHours, type PurchaseTokenResponse } from "@tollgate/contracts";
import { randomUUID } from "node:crypto";
import { TollgateError } from "./errors";

export type PurchaseCall = (path: string, options: { body: unknown; headers: Record<string, string> }) => Promise<unknown>;

export interface PurchaseOptions {
  /**
   * `Idempotency-Key` of this purchase (1–255 printable ASCII characters). Default: a new random
   * UUID. Buying again with the same key and hours within 24 h answers the first purchase again
   * (the same token), and never debits twice.
   */
  idempotencyKey?: string;
  /** Attempts in all when the answer is lost or the service is briefly unavailable (default 3). */
  attempts?: number;
  /**
   * The `price_id` of the price the buyer was shown (`billing.prices()`): the purchase is refused
   * with `PriceChangedError` (409 `PRICE_CHANGED`, nothing debited) when the price changed since.
   * Without it, the price at the moment of the purchase is charged.
   */
  priceId?: string;
}

/**
 * Answers worth asking again with the same key: no answer at all (the purchase may have happened:
 * the key makes the retry return it instead of buying twice), the gateway or a service briefly
 * unavailable, and the same key still in flight on the server.
 */
function retryable(error: unknown): boolean {
  if (!(error instanceof TollgateError)) return false;
  return error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504 || error.code === errorCodes.IDEMPOTENCY_KEY_IN_USE;
}

/**
 * A POST that moves money, with an `Idempotency-Key` (`options.idempotencyKey`, else a random
 * UUID), retried with that same key on a lost answer or a 502/503/504/409 `IDEMPOTENCY_KEY_IN_USE`
 * (0.5 s, then 1 s, … apart): the server answers a repeat with the first result, so one call never
 * moves money twice.
 */
export async function idempotentPost(call: PurchaseCall, path: string, body: unknown, options: { idempotencyKey?: string; attempts?: number } = {}): Promise<unknown> {
  const key = options.idempotencyKey ?? randomUUID();
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(path, { body, headers: { "Idempotency-Key": key } });
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
    }
  }
}

/** `POST /api/v1/tokens/purchase` (see `idempotentPost`), naming `options.priceId` when given. */
export async function purchaseToken(call: PurchaseCall, durationHours: DurationHours, options: PurchaseOptions = {}): Promise<PurchaseTokenResponse> {
  const body = options.priceId === undefined ? { duration_hours: durationHours } : { duration_hours: durationHours, price_id: options.priceId };
  return purchaseTokenResponseSchema.parse(await idempotentPost(call, "/api/v1/tokens/purchase", body, options));
}
