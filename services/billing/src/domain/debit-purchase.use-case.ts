import type { DurationHours, PurchaseDebitResponse } from "@tollgate/contracts";
import { untrackedBillingActivity, type BillingActivity } from "./billing-activity.port";
import { InsufficientFundsError, PriceChangedError, PurchaseCancelledError, PurchaseMismatchError, UnknownPriceError } from "./billing-errors";
import { accounts } from "./ledger";
import type { LedgerRepositoryPort } from "./ledger.repository.port";
import type { MoneyMover } from "./money-mover";
import type { PriceRepositoryPort } from "./price.repository.port";
import { toDebitResponse } from "./purchase";
import type { PurchaseRepositoryPort } from "./purchase.repository.port";
import type { BillingUnitOfWork } from "./unit-of-work.port";

/**
 * The token service's debit for a purchase it is about to complete. Idempotent by purchase id:
 * the first call debits and answers `created: true`; any repeat answers the stored result and
 * moves nothing. Everything for one purchase id runs under its lock, so concurrent repeats see
 * one debit.
 */
export class DebitPurchaseUseCase {
  constructor(
    private readonly unitOfWork: BillingUnitOfWork,
    private readonly purchases: PurchaseRepositoryPort,
    private readonly prices: PriceRepositoryPort,
    private readonly ledger: LedgerRepositoryPort,
    private readonly money: MoneyMover,
    private readonly currency: string,
    private readonly activity: BillingActivity = untrackedBillingActivity,
  ) {}

  /**
   * Errors: 402 INSUFFICIENT_FUNDS (nothing debited), 409 PURCHASE_CANCELLED (the id was cancelled
   * or refunded before), 409 PURCHASE_MISMATCH (the id was debited for another user or duration),
   * 409 PRICE_CHANGED (`priceId` is an earlier price of the duration), 422 UNKNOWN_PRICE
   * (`priceId` was never a price of the duration in this currency). Nothing is debited on any of them.
   */
  async execute(purchaseId: string, request: { userId: string; durationHours: DurationHours; priceId?: string | undefined }): Promise<{ created: boolean; body: PurchaseDebitResponse }> {
    try {
      return await this.unitOfWork.transaction(async (tx) => {
        await this.purchases.lock(tx, purchaseId);
        const existing = await this.purchases.find(purchaseId, tx);
        if (existing) {
          if (existing.status !== "debited") throw new PurchaseCancelledError();
          if (existing.userId !== request.userId || existing.durationHours !== request.durationHours) throw new PurchaseMismatchError();
          if (request.priceId !== undefined && existing.priceId !== request.priceId) throw new PurchaseMismatchError();
          return { created: false, body: toDebitResponse(existing) };
        }
        const price = (await this.prices.current(this.currency, tx)).find((candidate) => candidate.durationHours === request.durationHours);
        if (!price) throw new Error(`no price for ${request.durationHours} h in ${this.currency}: PRICE_LIST was never applied`);
        // The buyer agreed to the price they were shown; a new version since (an admin's PUT
        // /prices between `tollgate buy` showing $2.00 and the "y") charged $3.00 (issue #19).
        if (request.priceId !== undefined && request.priceId !== price.id) {
          const named = await this.prices.find(request.priceId, tx);
          // Only an earlier price of this very duration is a changed price; anything else was never on offer.
          if (named?.durationHours !== request.durationHours || named.currency !== price.currency) throw new UnknownPriceError(request.priceId, request.durationHours, price.currency);
          throw new PriceChangedError(price);
        }
        const debit = { purchaseId, userId: request.userId, durationHours: request.durationHours, amount: price.unitAmount, currency: price.currency, priceId: price.id };
        if (price.unitAmount === 0) {
          // Free: nothing moves, and no wallet is needed; the balance is reported as it stands.
          const wallet = await this.ledger.wallet(request.userId, price.currency, tx);
          const purchase = await this.purchases.insertDebit(tx, { ...debit, balanceAfter: wallet?.balance ?? 0, transactionId: null, debitedAt: new Date() });
          this.unitOfWork.afterCommit(tx, () => this.activity.purchased(request.durationHours));
          return { created: true, body: toDebitResponse(purchase) };
        }
        const posted = await this.money.move(tx, {
          kind: "purchase",
          userId: request.userId,
          currency: price.currency,
          amount: -price.unitAmount,
          counterAccount: accounts.revenue(price.currency),
          reference: { type: "purchase", id: purchaseId },
          description: `${request.durationHours} h access token`,
          funds: "required",
        });
        if (!posted) throw new InsufficientFundsError(price.unitAmount, price.currency);
        const purchase = await this.purchases.insertDebit(tx, { ...debit, balanceAfter: posted.balanceAfter, transactionId: posted.transactionId, debitedAt: posted.createdAt });
        this.unitOfWork.afterCommit(tx, () => this.activity.purchased(request.durationHours));
        return { created: true, body: toDebitResponse(purchase) };
      });
    } catch (error) {
      if (error instanceof InsufficientFundsError) this.activity.declined("insufficient_funds");
      if (error instanceof PurchaseCancelledError) this.activity.declined("purchase_cancelled");
      if (error instanceof PurchaseMismatchError) this.activity.declined("purchase_mismatch");
      if (error instanceof PriceChangedError) this.activity.declined("price_changed");
      if (error instanceof UnknownPriceError) this.activity.declined("unknown_price");
      throw error;
    }
  }
}
