import { sessionRevocationReasons } from "@tollgate/contracts";
import { Counter, type HttpMetrics } from "@tollgate/service-kit";
import { loginOutcomes, type AuthActivity } from "./domain/auth-activity.port";

/**
 * The auth service's own series, in the registry with the HTTP, process and kit ones. Every
 * known label value starts at 0, so the first failure is an increase, not a new series.
 */
export function createAuthMetrics(http: HttpMetrics): { http: HttpMetrics; activity: AuthActivity } {
  const registers = [http.registry];
  const logins = new Counter({ name: "auth_logins_total", help: "Password logins by outcome (success, failure, locked, disabled, error)", labelNames: ["outcome"], registers });
  const revoked = new Counter({ name: "auth_sessions_revoked_total", help: "Sessions revoked, by reason (as in session.revoked events)", labelNames: ["reason"], registers });
  for (const outcome of loginOutcomes) logins.inc({ outcome }, 0);
  for (const reason of sessionRevocationReasons) revoked.inc({ reason }, 0);
  return {
    http,
    activity: {
      login: (outcome) => logins.inc({ outcome }),
      sessionsRevoked: (reason, count) => revoked.inc({ reason }, count),
    },
  };
}
