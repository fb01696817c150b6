import { z } from "zod";

/**
 * An entry for the audit log, which the auth service keeps: another service's record of an
 * administrator's action (the token service's reads and revocations of tokens). The auth service
 * writes each one once, by event id.
 */
export const auditRecordedV1Schema = z.object({
  /** The user who acted (an administrator). */
  actor_id: z.uuid(),
  /** The subject: the user the action was about, if any. */
  user_id: z.uuid().nullable(),
  action: z.string().regex(/^[a-z_]{1,64}$/),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().max(100).nullable(),
  user_agent: z.string().max(512).nullable(),
  occurred_at: z.iso.datetime({ offset: true }),
});
export type AuditRecordedV1 = z.infer<typeof auditRecordedV1Schema>;
