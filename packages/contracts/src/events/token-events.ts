import { z } from "zod";

export const durationHoursValues = [1, 12, 24, 168, 720] as const;

export const tokenActivatedV1Schema = z.object({
  token_id: z.uuid(),
  user_id: z.uuid(),
  duration_hours: z.number().int().positive(),
  activated_at: z.iso.datetime({ offset: true }),
  expires_at: z.iso.datetime({ offset: true }),
});
export type TokenActivatedV1 = z.infer<typeof tokenActivatedV1Schema>;

export const tokenRevocationReasons = ["user_request", "admin", "user_disabled"] as const;

export const tokenRevokedV1Schema = z.object({
  token_id: z.uuid(),
  user_id: z.uuid(),
  /** SHA-256 (hex) of the token, so caches keyed by hash can drop it without the plaintext. */
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.string().min(1).max(200),
  revoked_at: z.iso.datetime({ offset: true }),
});
export type TokenRevokedV1 = z.infer<typeof tokenRevokedV1Schema>;

/**
 * A paid purchase finished: its token exists and its price was debited (amount in minor units of
 * the lower-case ISO 4217 currency; 0 when the price is 0). Written in the transaction that mints
 * the token, keyed by the token id.
 */
export const purchaseCompletedV1Schema = z.object({
  purchase_id: z.uuid(),
  token_id: z.uuid(),
  user_id: z.uuid(),
  duration_hours: z.number().int().positive(),
  amount: z.number().int().min(0),
  currency: z.string().regex(/^[a-z]{3}$/),
  price_id: z.uuid(),
  completed_at: z.iso.datetime({ offset: true }),
});
export type PurchaseCompletedV1 = z.infer<typeof purchaseCompletedV1Schema>;
