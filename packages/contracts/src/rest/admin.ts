import { z } from "zod";
import { userRoleSchema } from "./auth";
import { freeTextSchema } from "./common";
import { identityResponseSchema } from "./oauth";
import { pageCursorSchema } from "./page-cursor";

/** The administration API of the auth service (`/api/v1/admin/*`, role `admin`). */

export const adminErrorCodes = {
  /** The change would leave no enabled account with the admin role. */
  LAST_ADMIN: "LAST_ADMIN",
  SESSION_NOT_FOUND: "SESSION_NOT_FOUND",
} as const;

/** `active`: may sign in; `disabled`: refused at login, sessions revoked. */
export const userStatusSchema = z.enum(["active", "disabled"]);
export type UserStatus = z.infer<typeof userStatusSchema>;

/** `GET /api/v1/admin/users`: newest first, every filter optional. */
export const adminUserListQuerySchema = z.strictObject({
  /** Users whose e-mail or username starts with this text (case-insensitive). */
  search: freeTextSchema(1, 254).optional(),
  status: userStatusSchema.optional(),
  role: userRoleSchema.optional(),
  /** Users per page. */
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next_cursor` of the previous page, unchanged; absent for the first page. */
  cursor: pageCursorSchema.optional(),
});
export type AdminUserListQuery = z.infer<typeof adminUserListQuerySchema>;

/** A user as an administrator sees them. */
export const adminUserSchema = z.object({
  id: z.uuid().toLowerCase(),
  email: z.string(),
  username: z.string(),
  role: userRoleSchema,
  status: userStatusSchema,
  /** When the address was proven to reach its owner; null while unproven. */
  email_verified_at: z.iso.datetime({ offset: true }).nullable(),
  created_at: z.iso.datetime({ offset: true }),
  last_login_at: z.iso.datetime({ offset: true }).nullable(),
  disabled_at: z.iso.datetime({ offset: true }).nullable(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

export const adminUserPageSchema = z.object({
  users: z.array(adminUserSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: z.string().nullable(),
});
export type AdminUserPage = z.infer<typeof adminUserPageSchema>;

/** A live session (not revoked, not past its absolute lifetime). */
export const adminSessionSchema = z.object({
  id: z.uuid().toLowerCase(),
  created_at: z.iso.datetime({ offset: true }),
  /** Created, or last refreshed. */
  last_used_at: z.iso.datetime({ offset: true }),
  expires_at: z.iso.datetime({ offset: true }),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});
export type AdminSession = z.infer<typeof adminSessionSchema>;

/**
 * `GET /api/v1/admin/users/{id}`: the account, how it signs in, and its live sessions. Its access
 * tokens are the token service's: `GET /api/v1/admin/tokens?user_id={id}`.
 */
export const adminUserDetailSchema = z.object({
  user: adminUserSchema,
  has_password: z.boolean(),
  identities: z.array(identityResponseSchema),
  /** Newest first, at most 100. */
  sessions: z.array(adminSessionSchema),
});
export type AdminUserDetail = z.infer<typeof adminUserDetailSchema>;

/** `PUT /api/v1/admin/users/{id}/role`: grant (`admin`) or remove (`user`) the admin role. */
export const adminSetRoleRequestSchema = z.strictObject({ role: userRoleSchema });
export type AdminSetRoleRequest = z.infer<typeof adminSetRoleRequestSchema>;

/** `POST /api/v1/admin/users/{id}/sessions/revoke`. */
export const adminSessionsRevokedSchema = z.object({
  /** How many live sessions this call revoked (0 when there were none). */
  revoked_sessions: z.number().int().min(0),
});
export type AdminSessionsRevoked = z.infer<typeof adminSessionsRevokedSchema>;
