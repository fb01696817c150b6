import { parseOrThrow, type Logger } from "@tollgate/service-kit";
import { untrackedBillingActivity, type BillingActivity } from "./billing-activity.port";
import { accounts } from "./ledger";
import type { MoneyMover } from "./money-mover";
import { chargeSchema, checkoutSessionSchema, disputeSchema, paymentIntentSchema, topUpIdOf, type StripeEvent } from "./stripe-event";
import type { TopUp } from "./top-up";
import type { ReportedReversal, TopUpRepositoryPort } from "./top-up.repository.port";
import type { Transaction } from "./transaction.port";
import type { BillingUnitOfWork } from "./unit-of-work.port";

const CONSUMER = "stripe-webhook";

/**
 * Applies Stripe's verified webhook events, each event id exactly once (recorded in
 * processed_events in the same transaction as its effect, so a redelivery changes nothing):
 * - `checkout.session.completed` (paid) and `payment_intent.succeeded` credit the top-up they name,
 *   once per top-up whichever arrives first;
 * - `charge.refunded` and `charge.dispute.created` debit what the provider took back.
 * Reversals are recorded per payment intent before the top-up is looked up, and every credit takes
 * that same row lock first, so a refund that arrives before the credit is applied by the credit.
 * A provider refund or dispute of money the user already spent may take the wallet below zero:
 * the money is gone from us, so the ledger must say so. Purchases then are refused (they need
 * `balance >= price`) until top-ups bring it back.
 */
export class StripeWebhookUseCase {
  constructor(
    private readonly unitOfWork: BillingUnitOfWork,
    private readonly topUps: TopUpRepositoryPort,
    private readonly money: MoneyMover,
    private readonly logger: Logger,
    private readonly activity: BillingActivity = untrackedBillingActivity,
  ) {}

  /**
   * True when applied now, false when this event id was applied before. Throws (so Stripe retries
   * and the event is not recorded) on a failure; 422 when the object lacks a field billing reads.
   */
  async handle(event: StripeEvent): Promise<boolean> {
    return this.unitOfWork.applyOnce(CONSUMER, event.id, async (tx) => {
      switch (event.type) {
        case "checkout.session.completed": {
          const session = parseOrThrow(checkoutSessionSchema, event.data.object, "data.object");
          // An asynchronous payment method completes the session unpaid; its payment_intent.succeeded credits later.
          if (session.payment_status !== "paid") return;
          return this.credit(tx, event, { topUpId: topUpIdOf(session), paymentIntentId: session.payment_intent ?? null, amount: session.amount_total ?? -1, currency: session.currency ?? "" });
        }
        case "payment_intent.succeeded": {
          const intent = parseOrThrow(paymentIntentSchema, event.data.object, "data.object");
          return this.credit(tx, event, { topUpId: topUpIdOf(intent), paymentIntentId: intent.id, amount: intent.amount_received, currency: intent.currency });
        }
        case "charge.refunded": {
          const charge = parseOrThrow(chargeSchema, event.data.object, "data.object");
          return this.reverse(tx, event, charge.payment_intent ?? null, { refundedAmount: charge.amount_refunded });
        }
        case "charge.dispute.created": {
          const dispute = parseOrThrow(disputeSchema, event.data.object, "data.object");
          return this.reverse(tx, event, dispute.payment_intent ?? null, { disputedAmount: dispute.amount });
        }
        default:
          this.logger.debug("webhook event type not handled", { event_id: event.id, type: event.type });
      }
    });
  }

  private async credit(tx: Transaction, event: StripeEvent, payment: { topUpId: string | undefined; paymentIntentId: string | null; amount: number; currency: string }): Promise<void> {
    const reported = payment.paymentIntentId ? await this.topUps.reportReversal(tx, payment.paymentIntentId, {}) : { refundedAmount: 0, disputedAmount: 0 };
    const topUp = payment.topUpId ? await this.topUps.lock(tx, { id: payment.topUpId }) : undefined;
    if (!topUp || topUp.provider !== "stripe") {
      this.logger.warn("webhook names no top-up of ours", { event_id: event.id, type: event.type, top_up_id: payment.topUpId ?? null });
      return;
    }
    if (payment.paymentIntentId && !topUp.paymentIntentId) await this.topUps.linkPaymentIntent(tx, topUp.id, payment.paymentIntentId);
    if (!topUp.creditedAt) {
      if (payment.amount !== topUp.amount || payment.currency !== topUp.currency) {
        // Never credit what was not asked for; an operator looks at it (the event stays recorded).
        this.logger.error("webhook amount differs from the top-up; not credited", { event_id: event.id, top_up_id: topUp.id, expected: topUp.amount, paid: payment.amount, currency: payment.currency });
        this.unitOfWork.afterCommit(tx, () => this.activity.webhookFailed("amount_mismatch"));
        return;
      }
      const posted = await this.money.move(tx, {
        kind: "top_up",
        userId: topUp.userId,
        currency: topUp.currency,
        amount: topUp.amount,
        counterAccount: accounts.stripeClearing(topUp.currency),
        reference: { type: "top_up", id: topUp.id },
        description: "card top-up",
        funds: "may_go_negative",
      });
      if (!posted) throw new Error("a credit cannot be refused");
      await this.topUps.markCredited(tx, topUp.id, posted.transactionId);
      this.logger.info("top-up credited", { top_up_id: topUp.id, user_id: topUp.userId, amount: topUp.amount, currency: topUp.currency, event_id: event.id });
      this.unitOfWork.afterCommit(tx, () => this.activity.toppedUp("stripe"));
    }
    await this.settle(tx, { ...topUp, creditedAt: topUp.creditedAt ?? new Date() }, reported);
  }

  private async reverse(tx: Transaction, event: StripeEvent, paymentIntentId: string | null, reported: Partial<ReportedReversal>): Promise<void> {
    if (!paymentIntentId) {
      this.logger.warn("reversal without a payment intent; nothing to debit", { event_id: event.id, type: event.type });
      return;
    }
    const total = await this.topUps.reportReversal(tx, paymentIntentId, reported);
    const topUp = await this.topUps.lock(tx, { paymentIntentId });
    // Not credited yet (or not linked yet): the credit applies it when it comes.
    if (topUp) await this.settle(tx, topUp, total);
  }

  /** Debits what the provider reports taken back beyond what this top-up has already debited. */
  private async settle(tx: Transaction, topUp: TopUp, reported: ReportedReversal): Promise<void> {
    if (!topUp.creditedAt) return;
    const refunded = Math.min(reported.refundedAmount, topUp.amount);
    const disputed = Math.min(reported.disputedAmount, topUp.amount);
    const reversals = [
      { kind: "provider_refund" as const, delta: refunded - topUp.refundedAmount, description: "card payment refunded by the provider" },
      { kind: "dispute" as const, delta: disputed - topUp.disputedAmount, description: "card payment disputed" },
    ];
    for (const reversal of reversals.filter((candidate) => candidate.delta > 0)) {
      await this.money.move(tx, {
        kind: reversal.kind,
        userId: topUp.userId,
        currency: topUp.currency,
        amount: -reversal.delta,
        counterAccount: accounts.stripeClearing(topUp.currency),
        reference: { type: "top_up", id: topUp.id },
        description: reversal.description,
        funds: "may_go_negative",
      });
      this.logger.info("top-up reversed by the provider", { top_up_id: topUp.id, user_id: topUp.userId, kind: reversal.kind, amount: reversal.delta });
      this.unitOfWork.afterCommit(tx, () => this.activity.refunded(reversal.kind));
    }
    if (reversals.some((reversal) => reversal.delta > 0)) await this.topUps.addReversed(tx, topUp.id, { refundedAmount: Math.max(refunded, topUp.refundedAmount), disputedAmount: Math.max(disputed, topUp.disputedAmount) });
  }
}
