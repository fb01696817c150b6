import { randomBytes } from "node:crypto";
import type { TokenItem, TokenStatus } from "@tollgate/contracts";

/** An access token as the domain sees it (never its plaintext). */
export interface AccessToken {
  id: string;
  userId: string;
  tokenSha256: string;
  durationHours: number;
  createdAt: Date;
  activatedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokeReason: string | null;
  /** The purchase it came from; null for tokens minted before purchases were priced. */
  purchaseId: string | null;
}

/** A refunded token is revoked with this reason: terminal, refused like any revoked token, shown as `refunded`. */
export const REFUNDED_REASON = "refunded";

/** What the `user.disabled` consumer revokes with: the account's fate, not its owner's or an admin's choice. */
export const USER_DISABLED_REASON = "user_disabled";

/**
 * A token never used may be returned for its price: pending, or revoked by its owner or an admin
 * before its first use (a revoke instead of a refund used to lose the money). Not once it was
 * activated (active or expired), refunded, or revoked because its account was disabled.
 */
export function isRefundable(token: AccessToken): boolean {
  if (token.activatedAt) return false;
  if (!token.revokedAt) return true;
  return token.revokeReason !== REFUNDED_REASON && token.revokeReason !== USER_DISABLED_REASON;
}

/** 48 random bytes → 64 URL-safe characters. */
export function generateTokenValue(): string {
  return randomBytes(48).toString("base64url");
}

export function tokenStatus(token: AccessToken, now: Date): TokenStatus {
  if (token.revokedAt) return token.revokeReason === REFUNDED_REASON ? "refunded" : "revoked";
  if (!token.activatedAt || !token.expiresAt) return "pending";
  return token.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

export function toTokenItem(token: AccessToken, now: Date): TokenItem {
  return {
    id: token.id,
    duration_hours: token.durationHours,
    status: tokenStatus(token, now),
    created_at: token.createdAt.toISOString(),
    activated_at: token.activatedAt?.toISOString() ?? null,
    expires_at: token.expiresAt?.toISOString() ?? null,
    revoked_at: token.revokedAt?.toISOString() ?? null,
  };
}
