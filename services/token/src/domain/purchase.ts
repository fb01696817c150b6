import { createHash } from "node:crypto";
import type { DurationHours } from "@tollgate/contracts";

export type PurchaseStatus = "pending" | "completed" | "failed";

/** A purchase as the domain sees it: its money (`amount` in minor units) once billing has charged it. */
export interface Purchase {
  id: string;
  userId: string;
  idempotencyKey: string | null;
  requestFingerprint: string;
  durationHours: DurationHours;
  status: PurchaseStatus;
  tokenId: string | null;
  amount: number | null;
  currency: string | null;
  priceId: string | null;
  /** The sealed 201 body (see `ResponseSealer`) while it may be replayed; null after 24 h or when failed. */
  sealedResponse: Buffer | null;
  responseExpiresAt: Date | null;
  /** Why it failed, as the answer replayed for its key: HTTP status, error code, detail. */
  error: { statusCode: number; errorCode: string; detail: string } | null;
  createdAt: Date;
}

/**
 * SHA-256 (hex) of what makes two purchase requests the same request: their body's fields. A
 * request without `price_id` hashes as it did before the field existed, so keys in their replay
 * window keep answering.
 */
export function requestFingerprint(body: { duration_hours: DurationHours; price_id?: string | undefined }): string {
  const fields = body.price_id === undefined ? { duration_hours: body.duration_hours } : { duration_hours: body.duration_hours, price_id: body.price_id };
  return createHash("sha256").update(JSON.stringify(fields), "utf8").digest("hex");
}

/** How long an answer is kept for replays, as Stripe keeps an idempotency key. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
