import { commonErrorCodes } from "@tollgate/contracts";
import { Router } from "express";
import { errorBody } from "./error-handler";

/**
 * A readiness check resolves when the dependency answers and rejects (or times out) when not.
 * Marked by `degradesOnly`, its failure makes the service `degraded` (still 200) instead of not
 * ready (503).
 */
export type ReadinessCheck = (() => Promise<unknown>) & { degradesOnly?: true };

/**
 * A check of a dependency the service keeps serving without, e.g. its Kafka consumers: while it
 * fails, `/health/ready` answers 200 `{status: "degraded"}` naming it, so monitoring sees it, but
 * the instance stays in its load balancer. Taking every instance out at once because the shared
 * event bus is away would turn a degraded service into an outage (revocation stays bounded by the
 * proxy's GRANT_MAX_AGE; logins and purchases keep their events in the outbox).
 */
export function degradesOnly(check: () => Promise<unknown>): ReadinessCheck {
  return Object.assign(() => check(), { degradesOnly: true as const });
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return "ok";
  } catch (error) {
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(checks: Record<string, ReadinessCheck>, isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get("/health/live", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/health/ready", async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name] as ReadinessCheck)));
    const report = Object.fromEntries(names.map((name, index) => [name, results[index]]));
    if (isShuttingDown()) report.shutdown = "failed: shutting down";
    const failed = Object.keys(report).filter((name) => report[name] !== "ok");
    const ready = failed.every((name) => checks[name]?.degradesOnly === true);
    res.setHeader("Cache-Control", "no-store");
    if (ready) {
      res.json({ status: failed.length === 0 ? "ready" : "degraded", checks: report });
    } else {
      res.setHeader("Retry-After", "5");
      res.status(503).json({ ...errorBody(503, commonErrorCodes.NOT_READY, "service is not ready"), checks: report });
    }
  });
  return router;
}
