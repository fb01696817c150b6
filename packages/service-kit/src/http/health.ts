import { commonErrorCodes } from "@tollgate/contracts";
import { Router } from "express";
import { errorBody } from "./error-handler";

/** A readiness check resolves when the dependency answers and rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>;

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
    const ready = Object.values(report).every((result) => result === "ok");
    res.setHeader("Cache-Control", "no-store");
    if (ready) {
      res.json({ status: "ready", checks: report });
    } else {
      res.setHeader("Retry-After", "5");
      res.status(503).json({ ...errorBody(503, commonErrorCodes.NOT_READY, "service is not ready"), checks: report });
    }
  });
  return router;
}
