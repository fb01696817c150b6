import { z } from "zod";

export const sessionRevocationReasons = [
  "logout",
  "refresh_reuse",
  "password_change",
  "user_disabled",
  "expired",
] as const;
export const sessionRevocationReasonSchema = z.enum(sessionRevocationReasons);
export type SessionRevocationReason = z.infer<typeof sessionRevocationReasonSchema>;

export const sessionRevokedV1Schema = z.object({
  session_id: z.uuid(),
  user_id: z.uuid(),
  reason: sessionRevocationReasonSchema,
  revoked_at: z.iso.datetime({ offset: true }),
});
export type SessionRevokedV1 = z.infer<typeof sessionRevokedV1Schema>;

export const userDisabledV1Schema = z.object({
  user_id: z.uuid(),
  disabled_at: z.iso.datetime({ offset: true }),
  reason: z.string().max(500).optional(),
});
export type UserDisabledV1 = z.infer<typeof userDisabledV1Schema>;
