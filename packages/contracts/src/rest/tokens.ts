import { z } from "zod";
import { durationHoursValues } from "../events/token-events";
import { queryBooleanSchema } from "./common";

export const durationHoursSchema = z.union(durationHoursValues.map((value) => z.literal(value)), {
  error: `duration_hours must be one of ${durationHoursValues.join(", ")}`,
});
export type DurationHours = (typeof durationHoursValues)[number];

export const purchaseTokenRequestSchema = z.strictObject({ duration_hours: durationHoursSchema });
export type PurchaseTokenRequest = z.infer<typeof purchaseTokenRequestSchema>;

export const tokenStatusSchema = z.enum(["pending", "active", "expired", "revoked"]);
export type TokenStatus = z.infer<typeof tokenStatusSchema>;

/** The plaintext token: 64 URL-safe characters (48 random bytes). */
export const accessTokenValueSchema = z.string().regex(/^[A-Za-z0-9_-]{64}$/, "malformed access token");

export const purchaseTokenResponseSchema = z.object({
  id: z.uuid(),
  token: accessTokenValueSchema,
  duration_hours: z.number().int(),
  status: z.literal("pending"),
  created_at: z.iso.datetime({ offset: true }),
});
export type PurchaseTokenResponse = z.infer<typeof purchaseTokenResponseSchema>;

export const tokenItemSchema = z.object({
  id: z.uuid(),
  duration_hours: z.number().int(),
  status: tokenStatusSchema,
  created_at: z.iso.datetime({ offset: true }),
  activated_at: z.iso.datetime({ offset: true }).nullable(),
  expires_at: z.iso.datetime({ offset: true }).nullable(),
  revoked_at: z.iso.datetime({ offset: true }).nullable(),
});
export type TokenItem = z.infer<typeof tokenItemSchema>;

export const myTokensQuerySchema = z.strictObject({
  active_only: queryBooleanSchema.default(false),
});
export type MyTokensQuery = z.infer<typeof myTokensQuerySchema>;

export const revokeTokenRequestSchema = z.strictObject({
  reason: z.string().min(1).max(200).optional(),
});
export type RevokeTokenRequest = z.infer<typeof revokeTokenRequestSchema>;

/**
 * The proxy validates either the plaintext token (an API client's `X-Access-Token`) or, for an app
 * session that holds no plaintext, the token's SHA-256 in hex. Either one alone.
 */
export const validateTokenRequestSchema = z.union([
  z.strictObject({ token: z.string().min(1).max(256) }),
  z.strictObject({ token_sha256: z.string().regex(/^[0-9a-f]{64}$/, "token_sha256 must be 64 lowercase hex digits") }),
]);
export type ValidateTokenRequest = z.infer<typeof validateTokenRequestSchema>;

export const tokenStatusQuerySchema = z.strictObject({ token: z.string().min(1).max(256) });
export type TokenStatusQuery = z.infer<typeof tokenStatusQuerySchema>;

export const validateTokenResponseSchema = z.object({
  token_id: z.uuid(),
  user_id: z.uuid(),
  activated_at: z.iso.datetime({ offset: true }),
  expires_at: z.iso.datetime({ offset: true }),
});
export type ValidateTokenResponse = z.infer<typeof validateTokenResponseSchema>;

export const tokenStatusResponseSchema = z.object({
  token_id: z.uuid(),
  user_id: z.uuid(),
  status: tokenStatusSchema,
  activated_at: z.iso.datetime({ offset: true }).nullable(),
  expires_at: z.iso.datetime({ offset: true }).nullable(),
});
export type TokenStatusResponse = z.infer<typeof tokenStatusResponseSchema>;

export const tokenErrorCodes = {
  TOKEN_MISSING: "TOKEN_MISSING",
  TOKEN_INVALID: "TOKEN_INVALID",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  TOKEN_REVOKED: "TOKEN_REVOKED",
  TOKEN_LIMIT_REACHED: "TOKEN_LIMIT_REACHED",
  UPSTREAM_UNAVAILABLE: "UPSTREAM_UNAVAILABLE",
} as const;
