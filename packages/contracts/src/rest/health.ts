import { z } from "zod";
import { errorBodySchema } from "../error-body";

/** `GET /health/live`: the process answers. */
export const healthLiveResponseSchema = z.object({ status: z.literal("ok") });
export type HealthLiveResponse = z.infer<typeof healthLiveResponseSchema>;

/** Each readiness check by name: "ok", or "failed: <why>". */
export const readinessChecksSchema = z.record(z.string(), z.string());

/**
 * `GET /health/ready` (200) when every dependency it cannot serve without answers: `ready` when all
 * checks are ok, `degraded` when one it keeps serving without (the event bus) failed.
 */
export const healthReadyResponseSchema = z.object({ status: z.enum(["ready", "degraded"]), checks: readinessChecksSchema });
export type HealthReadyResponse = z.infer<typeof healthReadyResponseSchema>;

/** `GET /health/ready` when one does not (503 NOT_READY): the standard error body plus the checks. */
export const notReadyErrorBodySchema = errorBodySchema.extend({ checks: readinessChecksSchema });
export type NotReadyErrorBody = z.infer<typeof notReadyErrorBodySchema>;
