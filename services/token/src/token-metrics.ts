import { durationHoursValues } from "@tollgate/contracts";
import { Counter, type HttpMetrics } from "@tollgate/service-kit";
import { purchaseOutcomes, revocationKinds, type TokenActivity } from "./domain/token-activity.port";

/**
 * The token service's own series, in the registry with the HTTP, process and kit ones. Every
 * known label value starts at 0, so the first purchase of a kind is an increase, not a new series.
 */
export function createTokenMetrics(http: HttpMetrics): { http: HttpMetrics; activity: TokenActivity } {
  const registers = [http.registry];
  const purchases = new Counter({ name: "token_purchases_total", help: "Access tokens bought, by duration in hours", labelNames: ["duration_hours"], registers });
  const activations = new Counter({ name: "token_activations_total", help: "Access tokens activated by their first use", registers });
  const revocations = new Counter({ name: "token_revocations_total", help: "Access tokens revoked, by reason (user_request, admin, user_disabled, refunded)", labelNames: ["reason"], registers });
  const outcomes = new Counter({ name: "token_purchase_outcomes_total", help: "Purchases that did not mint a token (declined, cancelled, unavailable) or were replayed for their Idempotency-Key", labelNames: ["outcome"], registers });
  const refunds = new Counter({ name: "token_purchase_refunds_total", help: "Refunds billing made for this service, by reason (purchase_failed, unused_token_returned)", labelNames: ["reason"], registers });
  for (const outcome of purchaseOutcomes) outcomes.inc({ outcome }, 0);
  for (const reason of ["purchase_failed", "unused_token_returned"]) refunds.inc({ reason }, 0);
  for (const hours of durationHoursValues) purchases.inc({ duration_hours: String(hours) }, 0);
  for (const reason of revocationKinds) revocations.inc({ reason }, 0);
  return {
    http,
    activity: {
      purchased: (durationHours) => purchases.inc({ duration_hours: String(durationHours) }),
      activated: () => activations.inc(),
      revoked: (reason, count) => revocations.inc({ reason }, count),
      purchaseOutcome: (outcome) => outcomes.inc({ outcome }),
      refunded: (reason) => refunds.inc({ reason }),
    },
  };
}
