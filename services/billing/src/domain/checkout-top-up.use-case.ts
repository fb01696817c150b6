import { billingErrorCodes, type TopUpResponse } from "@tollgate/contracts";
import { DependencyUnavailableError, type Logger } from "@tollgate/service-kit";
import { randomUUID } from "node:crypto";
import { PaymentsNotConfiguredError } from "./billing-errors";
import type { PaymentProvider } from "./payment-provider.port";
import type { IdempotentAnswer, IdempotentRequests } from "./idempotent-requests";
import { assertTopUpAmountInBounds } from "./top-up";
import type { TopUpRepositoryPort } from "./top-up.repository.port";

/**
 * A card top-up: records it `open`, then asks the provider for a Checkout page. Nothing is credited
 * here, nor on the browser's return: only the provider's signed webhook credits the wallet.
 */
export class CheckoutTopUpUseCase {
  constructor(
    private readonly idempotency: IdempotentRequests,
    private readonly topUps: TopUpRepositoryPort,
    private readonly provider: PaymentProvider | undefined,
    private readonly policy: { currency: string; minAmount: number; maxAmount: number },
    private readonly logger: Logger,
  ) {}

  /**
   * Errors: 422 outside TOP_UP_MIN_AMOUNT..TOP_UP_MAX_AMOUNT, 503 PAYMENTS_NOT_CONFIGURED, 503
   * PAYMENT_PROVIDER_ERROR (the key is then given back: a retry asks the provider again).
   * Idempotent by `idempotencyKey` (per user): a repeat answers the same top-up and Checkout page.
   */
  async execute(userId: string, amount: number, idempotencyKey?: string): Promise<IdempotentAnswer<TopUpResponse>> {
    const { minAmount, maxAmount, currency } = this.policy;
    assertTopUpAmountInBounds(amount, { minAmount, maxAmount }, currency);
    // The key is checked first: a key already used elsewhere is the caller's mistake whatever this
    // deployment can do (it answered 503 PAYMENTS_NOT_CONFIGURED before, issue #19). The 503 gives the key back.
    return this.idempotency.around({ callerId: userId, key: idempotencyKey }, "card_top_up", { amount }, 201, () => {
      const provider = this.provider;
      if (!provider) throw new PaymentsNotConfiguredError();
      return this.open(provider, userId, amount);
    });
  }

  private async open(provider: PaymentProvider, userId: string, amount: number): Promise<TopUpResponse> {
    const { currency } = this.policy;
    const id = randomUUID();
    await this.topUps.insert({ id, userId, amount, currency, provider: "stripe" });
    let session: { sessionId: string; url: string | null };
    try {
      session = await provider.createCheckout({ topUpId: id, userId, amount, currency });
    } catch (error) {
      this.logger.warn("checkout session not created", { top_up_id: id, error: error instanceof Error ? error.message : String(error) });
      throw new DependencyUnavailableError("the payment provider", { cause: error, errorCode: billingErrorCodes.PAYMENT_PROVIDER_ERROR, retryAfterSeconds: 5 });
    }
    await this.topUps.attachCheckout(id, { id: session.sessionId, url: session.url });
    return { id, status: "open", amount, currency, checkout_url: session.url, balance_after: null };
  }
}
