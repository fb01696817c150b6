import { durationHoursValues } from "@tollgate/contracts";
import { Counter, type HttpMetrics } from "@tollgate/service-kit";
import { declineReasons, refundKinds, webhookFailures, type BillingActivity } from "./domain/billing-activity.port";

/**
 * The billing service's own series, in the registry with the HTTP, process and kit ones. Every
 * known label value starts at 0, so the first event of a kind is an increase, not a new series.
 */
export function createBillingMetrics(http: HttpMetrics): { http: HttpMetrics; activity: BillingActivity } {
  const registers = [http.registry];
  const topUps = new Counter({ name: "tollgate_billing_top_ups_total", help: "Wallet top-ups credited, by provider (stripe, development)", labelNames: ["provider"], registers });
  const purchases = new Counter({ name: "tollgate_billing_purchases_total", help: "Purchases debited, by duration in hours", labelNames: ["duration_hours"], registers });
  const refunds = new Counter({ name: "tollgate_billing_refunds_total", help: "Money returned or taken back, by kind (purchase_failed, unused_token_returned, admin, provider_refund, dispute)", labelNames: ["kind"], registers });
  const declined = new Counter({ name: "tollgate_billing_declined_purchases_total", help: "Debits refused, by reason (insufficient_funds, purchase_cancelled, purchase_mismatch, price_changed, unknown_price)", labelNames: ["reason"], registers });
  const webhookFailed = new Counter({ name: "tollgate_billing_webhook_failures_total", help: "Payment webhooks refused or not applied, by reason", labelNames: ["reason"], registers });
  for (const provider of ["stripe", "development"]) topUps.inc({ provider }, 0);
  for (const hours of durationHoursValues) purchases.inc({ duration_hours: String(hours) }, 0);
  for (const kind of refundKinds) refunds.inc({ kind }, 0);
  for (const reason of declineReasons) declined.inc({ reason }, 0);
  for (const reason of webhookFailures) webhookFailed.inc({ reason }, 0);
  return {
    http,
    activity: {
      toppedUp: (provider) => topUps.inc({ provider }),
      purchased: (durationHours) => purchases.inc({ duration_hours: String(durationHours) }),
      refunded: (kind) => refunds.inc({ kind }),
      declined: (reason) => declined.inc({ reason }),
      webhookFailed: (reason) => webhookFailed.inc({ reason }),
    },
  };
}
