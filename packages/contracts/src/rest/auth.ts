import { z } from "zod";
import { freeTextSchema, queryBooleanSchema } from "./common";
import { pageCursorSchema } from "./page-cursor";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export const usernameSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, '_' and '-'");

export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

export const registerRequestSchema = z.strictObject({
  email: z.email().max(254),
  username: usernameSchema,
  password: passwordSchema,
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const userRoleSchema = z.enum(["user", "admin"]);
export type UserRole = z.infer<typeof userRoleSchema>;

export const userResponseSchema = z.object({
  id: z.uuid().toLowerCase(),
  email: z.string(),
  username: z.string(),
  role: userRoleSchema,
  created_at: z.iso.datetime({ offset: true }),
  last_login_at: z.iso.datetime({ offset: true }).nullable(),
  /** When the address was proven to reach its owner (a verification link, a reset, or a provider that vouched); null while unproven. */
  email_verified_at: z.iso.datetime({ offset: true }).nullable(),
});
export type UserResponse = z.infer<typeof userResponseSchema>;

export const loginRequestSchema = z.strictObject({
  login: freeTextSchema(1, 254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const tokenPairResponseSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().positive(),
  user: userResponseSchema,
});
export type TokenPairResponse = z.infer<typeof tokenPairResponseSchema>;

export const refreshRequestSchema = z.strictObject({
  refresh_token: z.string().min(1).max(512),
});
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const changePasswordRequestSchema = z.strictObject({
  current_password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  new_password: passwordSchema,
  revoke_other_sessions: z.boolean().default(true),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const serviceTokenRequestSchema = z.strictObject({
  client_id: z.string().min(1).max(100),
  client_secret: z.string().min(1).max(512),
});
export type ServiceTokenRequest = z.infer<typeof serviceTokenRequestSchema>;

export const serviceTokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().positive(),
  scope: z.string(),
});
export type ServiceTokenResponse = z.infer<typeof serviceTokenResponseSchema>;

/** Who acted: a user (`actor_id` names them), the service itself (`system`), or an operator's command (`cli`). */
export const auditActorTypeSchema = z.enum(["user", "system", "cli"]);
export type AuditActorType = z.infer<typeof auditActorTypeSchema>;

/** `GET /api/v1/admin/audit-logs`: newest first; every filter optional, all of them must match. */
export const auditLogQuerySchema = z
  .strictObject({
    /** The subject: entries about this user. */
    user_id: z.uuid().toLowerCase().optional(),
    /** Entries of actions this user took. */
    actor_id: z.uuid().toLowerCase().optional(),
    actor_type: auditActorTypeSchema.optional(),
    action: z.string().regex(/^[a-z_]{1,64}$/, "lower-case letters and '_'").optional(),
    /** At or after this instant (RFC 3339). */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Before this instant (RFC 3339). */
    to: z.iso.datetime({ offset: true }).optional(),
    /** The `next_cursor` of the previous page, unchanged; absent for the first page. */
    cursor: pageCursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to), { path: ["to"], message: "must be later than from" });
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

export const auditLogEntrySchema = z.object({
  id: z.uuid().toLowerCase(),
  /** The subject: the user the entry is about, if any. */
  user_id: z.uuid().toLowerCase().nullable(),
  /** The user who acted; null when no user did (see actor_type) or for entries older than this field. */
  actor_id: z.uuid().toLowerCase().nullable(),
  actor_type: auditActorTypeSchema.nullable(),
  action: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.iso.datetime({ offset: true }),
});
export type AuditLogEntry = z.infer<typeof auditLogEntrySchema>;

export const jwkSchema = z.object({
  kty: z.literal("RSA"),
  kid: z.string(),
  use: z.literal("sig"),
  alg: z.literal("RS256"),
  n: z.string(),
  e: z.string(),
});
export type Jwk = z.infer<typeof jwkSchema>;

export const jwksSchema = z.object({ keys: z.array(jwkSchema) });
export type Jwks = z.infer<typeof jwksSchema>;

/** Claims of a user access token; services verify them with the JWKS. */
export const accessTokenClaimsSchema = z.object({
  sub: z.uuid().toLowerCase(),
  sid: z.uuid().toLowerCase(),
  jti: z.string(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  typ: z.literal("access"),
  role: userRoleSchema,
  /**
   * Whether the account's e-mail address was verified when the token was issued (OpenID Connect's
   * claim name). Absent from tokens issued before the claim existed: read absent as false.
   */
  email_verified: z.boolean().optional(),
  iat: z.number(),
  exp: z.number(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** Claims of a service-to-service token. */
export const serviceTokenClaimsSchema = z.object({
  sub: z.string(),
  jti: z.string(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  typ: z.literal("service"),
  scope: z.string(),
  iat: z.number(),
  exp: z.number(),
});
export type ServiceTokenClaims = z.infer<typeof serviceTokenClaimsSchema>;

export { queryBooleanSchema };

/** `GET /api/v1/users/by-username/{username}` (usernames compare case-insensitively). */
export const userLookupParamsSchema = z.strictObject({ username: usernameSchema });
export type UserLookupParams = z.infer<typeof userLookupParamsSchema>;

/**
 * Another user as any signed-in user may see them: enough to name them as an opponent, nothing
 * private (no e-mail, role or login times).
 */
export const userLookupResponseSchema = z.object({
  id: z.uuid().toLowerCase(),
  username: z.string(),
});
export type UserLookupResponse = z.infer<typeof userLookupResponseSchema>;
