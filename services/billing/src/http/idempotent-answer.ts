import type { Response } from "express";
import type { IdempotentAnswer } from "../domain/idempotent-requests";

/** The answer of an idempotent POST: its first status and body; a repeat says so in `Idempotent-Replayed: true`, as Stripe's API does. */
export function sendIdempotent<T>(res: Response, answer: IdempotentAnswer<T>): void {
  if (answer.replayed) res.setHeader("Idempotent-Replayed", "true");
  res.status(answer.status).json(answer.body);
}
