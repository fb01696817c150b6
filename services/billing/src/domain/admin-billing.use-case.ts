import { billingErrorCodes, durationHoursValues, type AdjustmentRequest, type AdjustmentResponse, type AdminRefundRequest, type AdminRefundResponse, type AdminWallet, type PriceList, type SetPricesRequest } from "@tollgate/contracts";
import { ValidationError, type Logger } from "@tollgate/service-kit";
import { randomUUID } from "node:crypto";
import { untrackedBillingActivity, type BillingActivity } from "./billing-activity.port";
import { InsufficientFundsError, PurchaseCancelledError, PurchaseNotFoundError, RefundExceedsPurchaseError } from "./billing-errors";
import { accounts } from "./ledger";
import type { IdempotentAnswer, IdempotentRequests } from "./idempotent-requests";
import type { MoneyMover } from "./money-mover";
import type { PriceRepositoryPort } from "./price.repository.port";
import type { PurchaseRepositoryPort } from "./purchase.repository.port";
import type { ReadBillingUseCase } from "./read-billing.use-case";
import type { RefundPurchaseUseCase } from "./refund-purchase.use-case";
import type { BillingUnitOfWork } from "./unit-of-work.port";

/** The administrator making a call, as the log lines and events name them. */
export interface AdminCaller {
  userId: string;
}

/**
 * Administrators' money actions: adjustments with a reason, partial or full refunds of a purchase,
 * new price versions. Each is logged with the administrator's id; refunds also emit
 * `purchase.refunded` with `refunded_by`.
 */
export class AdminBillingUseCase {
  constructor(
    private readonly unitOfWork: BillingUnitOfWork,
    private readonly idempotency: IdempotentRequests,
    private readonly purchases: PurchaseRepositoryPort,
    private readonly prices: PriceRepositoryPort,
    private readonly money: MoneyMover,
    private readonly read: ReadBillingUseCase,
    private readonly refunds: RefundPurchaseUseCase,
    private readonly currency: string,
    private readonly logger: Logger,
    private readonly activity: BillingActivity = untrackedBillingActivity,
  ) {}

  async wallet(userId: string): Promise<AdminWallet> {
    return { user_id: userId, ...(await this.read.wallet(userId)) };
  }

  /**
   * Signed amount: positive credits, negative debits but never below zero (402 INSUFFICIENT_FUNDS).
   * The answer's `id` is the adjustment's, which its transaction's `reference.id` names;
   * `transaction_id` is that transaction's. Idempotent by `idempotencyKey` (per administrator).
   */
  async adjust(admin: AdminCaller, request: AdjustmentRequest, idempotencyKey?: string): Promise<IdempotentAnswer<AdjustmentResponse>> {
    const answer = await this.idempotency.inTransaction({ callerId: admin.userId, key: idempotencyKey }, "admin_adjustment", request, 201, async (tx) => {
      const id = randomUUID();
      const posted = await this.money.move(tx, {
        kind: "adjustment",
        userId: request.user_id,
        currency: this.currency,
        amount: request.amount,
        counterAccount: accounts.adjustments(this.currency),
        reference: { type: "adjustment", id },
        description: request.reason,
        funds: "required",
      });
      if (!posted) throw new InsufficientFundsError(-request.amount, this.currency);
      const body: AdjustmentResponse = { id, transaction_id: posted.transactionId, user_id: request.user_id, amount: request.amount, currency: this.currency, reason: request.reason, balance_after: posted.balanceAfter, created_at: posted.createdAt.toISOString() };
      return body;
    });
    if (!answer.replayed) this.logger.info("wallet adjusted by an administrator", { admin_id: admin.userId, user_id: request.user_id, amount: request.amount, currency: this.currency, reason: request.reason, adjustment_id: answer.body.id, transaction_id: answer.body.transaction_id });
    return answer;
  }

  /**
   * Errors: 404 PURCHASE_NOT_FOUND, 409 PURCHASE_CANCELLED (never debited), 409
   * REFUND_EXCEEDS_PURCHASE. A refund that leaves nothing of the price says so in its
   * `purchase.refunded` (`remaining` 0), and the token service makes the token unusable.
   * Idempotent by `idempotencyKey` (per administrator).
   */
  async refund(admin: AdminCaller, request: AdminRefundRequest, idempotencyKey?: string): Promise<IdempotentAnswer<AdminRefundResponse>> {
    const answer = await this.idempotency.inTransaction({ callerId: admin.userId, key: idempotencyKey }, "admin_refund", request, 201, async (tx): Promise<AdminRefundResponse> => {
      await this.purchases.lock(tx, request.purchase_id);
      const purchase = await this.purchases.find(request.purchase_id, tx);
      if (!purchase) throw new PurchaseNotFoundError();
      if (purchase.status === "cancelled") throw new PurchaseCancelledError();
      const remaining = purchase.amount - purchase.refundedAmount;
      if (request.amount > remaining) throw new RefundExceedsPurchaseError(remaining);
      const refunded = await this.refunds.refund(tx, purchase, { amount: request.amount, reason: "admin_refund", description: request.reason, refundedBy: admin.userId });
      const { refund } = refunded;
      this.unitOfWork.afterCommit(tx, () => {
        this.activity.refunded("admin");
        this.logger.info("purchase refunded by an administrator", { admin_id: admin.userId, purchase_id: purchase.purchaseId, user_id: purchase.userId, refund_id: refund.id, amount: refund.amount, currency: purchase.currency, reason: refund.description });
      });
      return { refund_id: refund.id, purchase_id: purchase.purchaseId, amount: refund.amount, currency: purchase.currency, remaining: remaining - request.amount, balance_after: refund.balanceAfter, created_at: refund.createdAt.toISOString() };
    });
    return answer;
  }

  /** A new price version; durations not named keep their current price. 422 CURRENCY_NOT_SUPPORTED for another currency. */
  async setPrices(admin: AdminCaller, request: SetPricesRequest): Promise<PriceList> {
    if (request.currency !== this.currency) {
      throw new ValidationError(`invalid request body: currency: this service sells in ${this.currency}`, [{ path: "currency", message: `must be ${this.currency}` }], billingErrorCodes.CURRENCY_NOT_SUPPORTED);
    }
    await this.unitOfWork.transaction(async (tx) => {
      await this.prices.lockCurrency(tx, this.currency);
      const current = await this.prices.current(this.currency, tx);
      const entries = durationHoursValues.map((durationHours) => ({
        durationHours,
        unitAmount: request.prices.find((price) => price.duration_hours === durationHours)?.unit_amount ?? current.find((price) => price.durationHours === durationHours)?.unitAmount ?? 0,
      }));
      await this.prices.addVersion(tx, { currency: this.currency, source: "admin", createdBy: admin.userId, entries });
    });
    const list = await this.read.priceList();
    this.logger.info("prices changed by an administrator", { admin_id: admin.userId, currency: this.currency, prices: list.prices.map((price) => `${price.duration_hours}:${price.unit_amount}`).join(",") });
    return list;
  }
}
