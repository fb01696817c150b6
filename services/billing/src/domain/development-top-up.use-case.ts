import type { TopUpResponse } from "@tollgate/contracts";
import { randomUUID } from "node:crypto";
import { untrackedBillingActivity, type BillingActivity } from "./billing-activity.port";
import type { IdempotentAnswer, IdempotentRequests } from "./idempotent-requests";
import { accounts } from "./ledger";
import type { MoneyMover } from "./money-mover";
import { assertTopUpAmountInBounds, type TopUpBounds } from "./top-up";
import type { TopUpRepositoryPort } from "./top-up.repository.port";
import type { BillingUnitOfWork } from "./unit-of-work.port";

/**
 * Development only (the route does not exist when NODE_ENV=production): credits the wallet at
 * once against `development_credit:<currency>`, so a walkthrough without a card processor can buy.
 * Bounded like a card top-up, so the route cannot mint money faster than a card could.
 */
export class DevelopmentTopUpUseCase {
  constructor(
    private readonly unitOfWork: BillingUnitOfWork,
    private readonly idempotency: IdempotentRequests,
    private readonly topUps: TopUpRepositoryPort,
    private readonly money: MoneyMover,
    private readonly currency: string,
    private readonly bounds: TopUpBounds,
    private readonly activity: BillingActivity = untrackedBillingActivity,
  ) {}

  /** Errors: 422 outside TOP_UP_MIN_AMOUNT..TOP_UP_MAX_AMOUNT, as a card top-up. Idempotent by `idempotencyKey` (per user). */
  async execute(userId: string, amount: number, idempotencyKey?: string): Promise<IdempotentAnswer<TopUpResponse>> {
    assertTopUpAmountInBounds(amount, this.bounds, this.currency);
    return this.idempotency.inTransaction({ callerId: userId, key: idempotencyKey }, "development_top_up", { amount }, 201, async (tx) => {
      const id = randomUUID();
      await this.topUps.insert({ id, userId, amount, currency: this.currency, provider: "development" }, tx);
      const posted = await this.money.move(tx, {
        kind: "top_up",
        userId,
        currency: this.currency,
        amount,
        counterAccount: accounts.developmentCredit(this.currency),
        reference: { type: "top_up", id },
        description: "development top-up",
        funds: "may_go_negative",
      });
      if (!posted) throw new Error("a credit cannot be refused");
      await this.topUps.markCredited(tx, id, posted.transactionId);
      this.unitOfWork.afterCommit(tx, () => this.activity.toppedUp("development"));
      return { id, status: "succeeded", amount, currency: this.currency, checkout_url: null, balance_after: posted.balanceAfter };
    });
  }
}
