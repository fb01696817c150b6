import { z } from "zod";

export const sessionRevocationReasons = [
  "logout",
  "refresh_reuse",
  "password_change",
  "user_disabled",
  "expired",
  /** Its user ended it from another session (`DELETE /api/v1/users/me/sessions/{id}`, or revoke-others). */
  "user_request",
  /** Its user's password was reset through a mailed link: every session ends. */
  "password_reset",
  /** An administrator revoked it, or removed the admin role of its user. */
  "admin",
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

/** A disabled account may sign in again; its sessions and tokens revoked at the disable stay revoked. */
export const userEnabledV1Schema = z.object({
  user_id: z.uuid(),
  enabled_at: z.iso.datetime({ offset: true }),
  reason: z.string().max(500).optional(),
});
export type UserEnabledV1 = z.infer<typeof userEnabledV1Schema>;

/**
 * A new account (password sign-up or first OAuth/OIDC sign-in). Services that show usernames keep
 * their own directory from these; auth's backfill migration wrote one for every account that
 * existed before the event did, so a directory can be rebuilt from the topic alone.
 */
export const userRegisteredV1Schema = z.object({
  user_id: z.uuid(),
  username: z.string().min(1).max(64),
  registered_at: z.iso.datetime({ offset: true }),
});
export type UserRegisteredV1 = z.infer<typeof userRegisteredV1Schema>;
