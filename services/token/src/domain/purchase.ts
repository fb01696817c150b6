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

/** SHA-256 (hex) of what makes two purchase requests the same request: their body's fields. */
export function requestFingerprint(body: { duration_hours: DurationHours }): string {
  return createHash("sha256").update(JSON.stringify({ duration_hours: body.duration_hours }), "utf8").digest("hex");
}

/** How long an answer is kept for replays, as Stripe keeps an idempotency key. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
