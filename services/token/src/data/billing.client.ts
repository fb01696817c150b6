import type { DurationHours } from "@tollgate/contracts";
import { billingErrorCodes, errorBodySchema, purchaseDebitResponseSchema, purchaseRefundResponseSchema } from "@tollgate/contracts";
import { AppError, dependencyPolicy, DependencyUnavailableError, isConnectionError, type DependencyPolicy } from "@tollgate/service-kit";
import type { HttpMetrics, ServiceTokenProvider } from "@tollgate/service-kit";
import type { BillingGateway, Debit, RefundOutcome, RefundReason } from "../domain/billing.port";
import { InsufficientFundsError, PurchaseCancelledError } from "../domain/token-errors";

const NAME = "billing service";

/** Billing's 5xx, kept apart so a retry may repeat it (the debit is idempotent by purchase id). */
class BillingServerError extends Error {
  constructor(readonly status: number) {
    super(`billing answered ${status}`);
  }
}

export interface BillingClientOptions {
  baseUrl: string;
  serviceTokens: ServiceTokenProvider;
  timeoutMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
  registry?: HttpMetrics["registry"];
}

/**
 * Billing's internal purchase endpoints behind timeout + retry + breaker. Retried: connection
 * errors and 5xx only — safe because billing debits and refunds once per purchase id however often
 * asked. A time-out is not retried (the purchase stays pending; the sweep settles it). Billing's
 * 4xx answers are not failures of the dependency and never open the breaker.
 */
export class BillingClient implements BillingGateway {
  readonly policy: DependencyPolicy;

  constructor(private readonly options: BillingClientOptions) {
    this.policy = dependencyPolicy({
      name: NAME,
      timeoutMs: options.timeoutMs,
      retries: 2,
      isRetryable: (error) => isConnectionError(error) || error instanceof BillingServerError,
      breakerThreshold: options.breakerThreshold,
      halfOpenAfterMs: options.halfOpenAfterMs,
      registry: options.registry,
    });
  }

  /** `POST /internal/v1/purchases/{id}/debit`. 402 → InsufficientFundsError; 409 PURCHASE_CANCELLED → PurchaseCancelledError; 409 PRICE_CHANGED and others → AppError with billing's code and detail. */
  async debit(purchaseId: string, userId: string, durationHours: DurationHours, priceId?: string): Promise<Debit> {
    const request = priceId === undefined ? { user_id: userId, duration_hours: durationHours } : { user_id: userId, duration_hours: durationHours, price_id: priceId };
    const body = purchaseDebitResponseSchema.parse(await this.post(`/internal/v1/purchases/${purchaseId}/debit`, request));
    return { amount: body.amount, currency: body.currency, priceId: body.price_id };
  }

  /** `POST /internal/v1/purchases/{id}/refund`: refunded in full, or cancelled when no debit exists. */
  async refund(purchaseId: string, reason: RefundReason): Promise<RefundOutcome> {
    const body = purchaseRefundResponseSchema.parse(await this.post(`/internal/v1/purchases/${purchaseId}/refund`, { reason }));
    return { status: body.status, amount: body.amount, currency: body.currency, refundId: body.refund_id };
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    try {
      return await this.policy.execute((signal) => this.call(path, body, signal, true));
    } catch (error) {
      if (error instanceof AppError) throw error;
      // Connection refused, 5xx after the retries, a malformed answer: 503, nothing decided.
      throw new DependencyUnavailableError(NAME, { cause: error, retryAfterSeconds: 2 });
    }
  }

  private async call(path: string, request: unknown, signal: AbortSignal, mayRetryAuth: boolean): Promise<unknown> {
    const res = await fetch(new URL(path, this.options.baseUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await this.options.serviceTokens.token()}` },
      body: JSON.stringify(request),
      signal,
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) return body;
    if ((res.status === 401 || res.status === 403) && mayRetryAuth) {
      // Our service token was refused (expired, keys rotated): fetch a new one once.
      this.options.serviceTokens.invalidate();
      return this.call(path, request, signal, false);
    }
    if (res.status >= 500) throw new BillingServerError(res.status);
    const error = errorBodySchema.safeParse(body);
    const code = error.success ? error.data.error_code : undefined;
    if (res.status === 402) throw new InsufficientFundsError();
    if (res.status === 409 && code === billingErrorCodes.PURCHASE_CANCELLED) throw new PurchaseCancelledError();
    if (res.status === 401 || res.status === 403) throw new DependencyUnavailableError(NAME, { detail: "billing refused this service's credentials", retryAfterSeconds: 5 });
    throw new AppError(res.status, code ?? "BILLING_REFUSED", error.success ? error.data.detail : `billing answered ${res.status}`);
  }
}
