import { purchaseTokenResponseSchema, type PurchaseTokenResponse } from "@tollgate/contracts";
import { AppError } from "@tollgate/service-kit";
import type { Purchase } from "./purchase";
import type { ResponseSealer } from "./response-sealer";
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from "./token-errors";

/**
 * The answer a repeated `Idempotency-Key` gets, from its first purchase (Stripe's semantics):
 * another body → 422 IDEMPOTENCY_KEY_REUSED; still pending → 409 IDEMPOTENCY_KEY_IN_USE;
 * completed → the first 201 body, unsealed; failed → the same error again (status, code, detail).
 */
export function replayPurchase(purchase: Purchase, fingerprint: string, sealer: ResponseSealer): PurchaseTokenResponse {
  if (purchase.requestFingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (purchase.status === "pending") throw new IdempotencyKeyInUseError();
  if (purchase.status === "failed") {
    const error = purchase.error ?? { statusCode: 409, errorCode: "CONFLICT", detail: "this purchase failed" };
    throw new AppError(error.statusCode, error.errorCode, error.detail);
  }
  if (!purchase.sealedResponse) throw new Error(`completed purchase ${purchase.id} has no stored answer within its replay window`);
  return purchaseTokenResponseSchema.parse(sealer.open(purchase.id, purchase.sealedResponse));
}
