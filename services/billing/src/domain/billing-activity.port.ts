import type { DurationHours } from "@tollgate/contracts";

/** What the use cases report for the metrics; counted only after their transaction commits. */
export interface BillingActivity {
  toppedUp(provider: "stripe" | "development"): void;
  purchased(durationHours: DurationHours): void;
  refunded(kind: RefundKind): void;
  declined(reason: DeclineReason): void;
  webhookFailed(reason: WebhookFailure): void;
}

export const refundKinds = ["purchase_failed", "unused_token_returned", "admin", "provider_refund", "dispute"] as const;
export type RefundKind = (typeof refundKinds)[number];
export const declineReasons = ["insufficient_funds", "purchase_cancelled", "purchase_mismatch", "price_changed", "unknown_price"] as const;
export type DeclineReason = (typeof declineReasons)[number];
export const webhookFailures = ["invalid_signature", "not_configured", "amount_mismatch", "processing_error"] as const;
export type WebhookFailure = (typeof webhookFailures)[number];

export const untrackedBillingActivity: BillingActivity = {
  toppedUp: () => undefined,
  purchased: () => undefined,
  refunded: () => undefined,
  declined: () => undefined,
  webhookFailed: () => undefined,
};
