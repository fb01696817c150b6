import { z } from "zod";
import { durationHoursValues } from "../events/token-events";
import { freeTextSchema, queryBooleanSchema } from "./common";

export const durationHoursSchema = z.union(durationHoursValues.map((value) => z.literal(value)), {
  error: `duration_hours must be one of ${durationHoursValues.join(", ")}`,
});
export type DurationHours = (typeof durationHoursValues)[number];

export const purchaseTokenRequestSchema = z.strictObject({
  duration_hours: durationHoursSchema,
  /**
   * The price the buyer was shown (`price_id` from GET /api/v1/billing/prices). When the duration's
   * current price is another version, 409 PRICE_CHANGED and nothing is debited. Without it, the
   * current price is charged.
   */
  price_id: z.uuid().toLowerCase().optional(),
});
export type PurchaseTokenRequest = z.infer<typeof purchaseTokenRequestSchema>;

/** `refunded`: returned unused by its owner for a full refund; terminal, like `revoked`. */
export const tokenStatusSchema = z.enum(["pending", "active", "expired", "revoked", "refunded"]);
export type TokenStatus = z.infer<typeof tokenStatusSchema>;

/** The plaintext token's shape: 64 URL-safe base64 characters (48 random bytes). Hot paths test this directly. */
export const accessTokenValuePattern = /^[A-Za-z0-9_-]{64}$/;

/** The plaintext token: 64 URL-safe characters (48 random bytes). */
export const accessTokenValueSchema = z.string().regex(accessTokenValuePattern, "malformed access token");

export const purchaseTokenResponseSchema = z.object({
  id: z.uuid().toLowerCase(),
  token: accessTokenValueSchema,
  duration_hours: z.number().int(),
  status: z.literal("pending"),
  created_at: z.iso.datetime({ offset: true }),
  /** The purchase this token came from (what a refund and the billing receipt name). */
  purchase_id: z.uuid().toLowerCase(),
  /** The price debited, in minor units of `currency` (0 when the price is 0). */
  amount: z.number().int().min(0),
  /** Lower-case ISO 4217, e.g. "usd". */
  currency: z.string().regex(/^[a-z]{3}$/),
  /** The price version charged (billing's price id). */
  price_id: z.uuid().toLowerCase(),
});
export type PurchaseTokenResponse = z.infer<typeof purchaseTokenResponseSchema>;

export const tokenItemSchema = z.object({
  id: z.uuid().toLowerCase(),
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
  reason: freeTextSchema(1, 200).optional(),
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
  token_id: z.uuid().toLowerCase(),
  user_id: z.uuid().toLowerCase(),
  activated_at: z.iso.datetime({ offset: true }),
  expires_at: z.iso.datetime({ offset: true }),
});
export type ValidateTokenResponse = z.infer<typeof validateTokenResponseSchema>;

export const tokenStatusResponseSchema = z.object({
  token_id: z.uuid().toLowerCase(),
  user_id: z.uuid().toLowerCase(),
  status: tokenStatusSchema,
  activated_at: z.iso.datetime({ offset: true }).nullable(),
  expires_at: z.iso.datetime({ offset: true }).nullable(),
});
export type TokenStatusResponse = z.infer<typeof tokenStatusResponseSchema>;

/**
 * `Idempotency-Key` of a purchase (Stripe's semantics): 1–255 printable ASCII characters. The same
 * key with the same body within 24 h replays the first answer.
 */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e][\x20-\x7e]{0,254}$/, "Idempotency-Key must be 1 to 255 printable ASCII characters");

/** A route that reads no body: none, or `{}`; any field is refused by name (422). */
export const emptyBodySchema = z.strictObject({});
/** A GET route that takes no query parameters: any is refused by name (422). */
export const emptyQuerySchema = z.strictObject({});

/** `POST /api/v1/tokens/{id}/refund`: the unused token is now `refunded`, its price back in the wallet. */
export const refundTokenResponseSchema = z.object({
  token_id: z.uuid().toLowerCase(),
  purchase_id: z.uuid().toLowerCase(),
  status: z.literal("refunded"),
  /** Minor units of `currency` returned to the wallet. */
  amount: z.number().int().min(0),
  currency: z.string().regex(/^[a-z]{3}$/),
});
export type RefundTokenResponse = z.infer<typeof refundTokenResponseSchema>;

export const tokenErrorCodes = {
  TOKEN_MISSING: "TOKEN_MISSING",
  TOKEN_INVALID: "TOKEN_INVALID",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  TOKEN_REVOKED: "TOKEN_REVOKED",
  TOKEN_LIMIT_REACHED: "TOKEN_LIMIT_REACHED",
  /** A refund of a token that was used (activated: active or expired). */
  TOKEN_ALREADY_USED: "TOKEN_ALREADY_USED",
  /** A refund of a token never used but revoked when its account was disabled. */
  TOKEN_NOT_REFUNDABLE: "TOKEN_NOT_REFUNDABLE",
  /** An owner's refund of a token whose whole price an administrator already refunded: nothing is left to return. */
  TOKEN_ALREADY_REFUNDED: "TOKEN_ALREADY_REFUNDED",
  /** A purchase with this `Idempotency-Key` is still in flight. */
  IDEMPOTENCY_KEY_IN_USE: "IDEMPOTENCY_KEY_IN_USE",
  /** This `Idempotency-Key` was used with a different request body. */
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  UPSTREAM_UNAVAILABLE: "UPSTREAM_UNAVAILABLE",
} as const;
