import { AppError, IdempotencyKeyInUseError, IdempotencyKeyReusedError } from "@tollgate/service-kit";
import { createHash } from "node:crypto";
import type { IdempotencyRepositoryPort, IdempotentRequest, StoredAnswer } from "./idempotency.repository.port";
import type { Transaction } from "./transaction.port";
import type { BillingUnitOfWork } from "./unit-of-work.port";

/** How long a key's first answer is replayed, as Stripe keeps an idempotency key (and the token service a purchase's). */
export const REPLAY_WINDOW_SECONDS = 24 * 60 * 60;
/** A key left `in_progress` this long was abandoned by a crash; a retry may take it over. */
const STALE_AFTER_SECONDS = 60;

/** What an idempotent operation answers: its status and body, and whether this was a repeat of an earlier request. */
export interface IdempotentAnswer<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** `Idempotency-Key` of a caller, or none (the operation then simply runs). */
export interface IdempotencyScope {
  callerId: string;
  key: string | undefined;
}

/** SHA-256 (hex) of an operation and its parsed body: the same key with another body, or at another route, is refused. */
export const operationFingerprint = (operation: string, body: unknown): string => createHash("sha256").update(JSON.stringify({ operation, body }), "utf8").digest("hex");

interface StoredError {
  error_code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** An operation's refusal (4xx) is its answer, kept and replayed like a success (Stripe's semantics); 5xx and bugs are not. */
const isAnswer = (error: unknown): error is AppError => error instanceof AppError && error.statusCode >= 400 && error.statusCode < 500;
const toStored = (error: AppError): StoredAnswer => ({ status: error.statusCode, body: { error_code: error.errorCode, detail: error.detail, ...(error.errors ? { errors: error.errors } : {}) } satisfies StoredError });

/**
 * Every money-moving POST of billing honours `Idempotency-Key`, scoped to its caller: the same key
 * and body answer the first status and body again and move nothing (a refusal is replayed as the
 * same error); another body is 422 IDEMPOTENCY_KEY_REUSED; a request still running under the key
 * is 409 IDEMPOTENCY_KEY_IN_USE. Operations that live in one transaction (adjustments, refunds,
 * development top-ups) take the key in that transaction, so a concurrent repeat waits for it and
 * replays; a card top-up, which calls the payment provider, takes it in a transaction of its own.
 */
export class IdempotentRequests {
  constructor(
    private readonly unitOfWork: BillingUnitOfWork,
    private readonly keys: IdempotencyRepositoryPort,
  ) {}

  /** `work` in one transaction with the key: the movement and its recorded answer commit together. */
  async inTransaction<T>(scope: IdempotencyScope, operation: string, body: unknown, status: number, work: (tx: Transaction) => Promise<T>): Promise<IdempotentAnswer<T>> {
    if (scope.key === undefined) return { status, body: await this.unitOfWork.transaction(work), replayed: false };
    const request: IdempotentRequest = { callerId: scope.callerId, key: scope.key, fingerprint: operationFingerprint(operation, body) };
    const outcome = await this.unitOfWork.transaction(async (tx): Promise<{ answer: IdempotentAnswer<T> } | { error: AppError }> => {
      if (!(await this.keys.claim(tx, request, REPLAY_WINDOW_SECONDS, STALE_AFTER_SECONDS))) return { answer: this.replay<T>(await this.keys.find(tx, request.callerId, request.key), request) };
      try {
        const result = await this.unitOfWork.savepoint(tx, work);
        await this.keys.complete(tx, request, { status, body: result });
        return { answer: { status, body: result, replayed: false } };
      } catch (error) {
        // The savepoint rolled the movement back; the refusal is kept as this key's answer.
        if (!isAnswer(error)) throw error;
        await this.keys.complete(tx, request, toStored(error));
        return { error };
      }
    });
    if ("error" in outcome) throw outcome.error;
    return outcome.answer;
  }

  /**
   * `work` outside any transaction (it calls another system): the key is taken and committed
   * first, so a concurrent repeat gets 409 IDEMPOTENCY_KEY_IN_USE. When `work` fails for a reason
   * a retry may not repeat (a 5xx: the provider did not answer), the key is given back.
   */
  async around<T>(scope: IdempotencyScope, operation: string, body: unknown, status: number, work: () => Promise<T>): Promise<IdempotentAnswer<T>> {
    if (scope.key === undefined) return { status, body: await work(), replayed: false };
    const request: IdempotentRequest = { callerId: scope.callerId, key: scope.key, fingerprint: operationFingerprint(operation, body) };
    const claimed = await this.unitOfWork.transaction((tx) => this.keys.claim(tx, request, REPLAY_WINDOW_SECONDS, STALE_AFTER_SECONDS));
    if (!claimed) return this.replay<T>(await this.keys.find(undefined, request.callerId, request.key), request);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (isAnswer(error)) await this.keys.complete(undefined, request, toStored(error));
      else await this.keys.release(request);
      throw error;
    }
    await this.keys.complete(undefined, request, { status, body: result });
    return { status, body: result, replayed: false };
  }

  private replay<T>(record: Awaited<ReturnType<IdempotencyRepositoryPort["find"]>>, request: IdempotentRequest): IdempotentAnswer<T> {
    // Gone between the claim and the read: another request gave the key back; asking again takes it.
    if (!record) throw new IdempotencyKeyInUseError();
    if (record.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError("request body or route");
    if (record.status === "in_progress" || !record.answer) throw new IdempotencyKeyInUseError();
    const { status, body } = record.answer;
    if (status >= 400) {
      const stored = body as StoredError;
      throw new AppError(status, stored.error_code, stored.detail, stored.errors ? { errors: stored.errors } : {});
    }
    return { status, body: body as T, replayed: true };
  }
}
