import { durationHoursValues } from "@tollgate/contracts";
import { Counter, type HttpMetrics } from "@tollgate/service-kit";
import { revocationKinds, type TokenActivity } from "./domain/token-activity.port";

/**
 * The token service's own series, in the registry with the HTTP, process and kit ones. Every
 * known label value starts at 0, so the first purchase of a kind is an increase, not a new series.
 */
export function createTokenMetrics(http: HttpMetrics): { http: HttpMetrics; activity: TokenActivity } {
  const registers = [http.registry];
  const purchases = new Counter({ name: "token_purchases_total", help: "Access tokens bought, by duration in hours", labelNames: ["duration_hours"], registers });
  const activations = new Counter({ name: "token_activations_total", help: "Access tokens activated by their first use", registers });
  const revocations = new Counter({ name: "token_revocations_total", help: "Access tokens revoked, by reason (user_request, admin, user_disabled)", labelNames: ["reason"], registers });
  for (const hours of durationHoursValues) purchases.inc({ duration_hours: String(hours) }, 0);
  for (const reason of revocationKinds) revocations.inc({ reason }, 0);
  return {
    http,
    activity: {
      purchased: (durationHours) => purchases.inc({ duration_hours: String(durationHours) }),
      activated: () => activations.inc(),
      revoked: (reason, count) => revocations.inc({ reason }, count),
    },
  };
}
