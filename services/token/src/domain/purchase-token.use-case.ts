import type { DurationHours, PurchaseTokenResponse } from "@tollgate/contracts";
import { accessTokenHash, AppError, type OutboxNotifier } from "@tollgate/service-kit";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import type { Transaction } from "./transaction.port";
import type { PurchaseRepositoryPort } from "./purchase.repository.port";
import type { TokenEventsPort } from "./token-events.port";
import { generateTokenValue } from "./access-token";
import type { BillingGateway, Debit } from "./billing.port";
import { noCrash, type CrashHook } from "./crash-point";
import { REPLAY_WINDOW_MS, requestFingerprint, type Purchase } from "./purchase";
import { replayPurchase } from "./purchase-replay";
import type { ResponseSealer } from "./response-sealer";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import { EmailNotVerifiedError, PurchaseCancelledError, TokenLimitReachedError } from "./token-errors";

/** Who is buying, as their access JWT says (`sub`, and `email_verified`: absent counts as not verified). */
export interface Buyer {
  userId: string;
  emailVerified: boolean;
}

export interface PurchaseTokenDeps {
  tokens: AccessTokenRepositoryPort;
  purchases: PurchaseRepositoryPort;
  billing: BillingGateway;
  events: TokenEventsPort;
  sealer: ResponseSealer;
  outbox: OutboxNotifier;
  maxLiveTokensPerUser: number;
  activity?: TokenActivity;
  /** REQUIRE_VERIFIED_EMAIL: only accounts with a verified address may buy. */
  requireVerifiedEmail?: boolean;
  /** PURCHASE_CRASH_POINT (tests only). */
  crash?: CrashHook;
}

/**
 * A priced purchase in three steps, each safe to die after: (1) a pending purchase row (the cap
 * on tokens held is checked here); (2) billing debits it, idempotently by purchase id; (3) one
 * transaction checks the cap again, mints the token, completes the purchase with its sealed
 * answer and writes `purchase.completed` (over the cap: the debit is refunded, 409). A
 * purchase left pending by a crash or an outage is refunded or cancelled by the recovery sweep.
 */
export class PurchaseTokenUseCase {
  private readonly activity: TokenActivity;
  private readonly crash: CrashHook;

  constructor(private readonly deps: PurchaseTokenDeps) {
    this.activity = deps.activity ?? untrackedTokenActivity;
    this.crash = deps.crash ?? noCrash;
  }

  /**
   * The plaintext is returned here, and sealed for replays of `idempotencyKey` within 24 h.
   * Errors: 403 EMAIL_NOT_VERIFIED, 409 TOKEN_LIMIT_REACHED / IDEMPOTENCY_KEY_IN_USE /
   * PURCHASE_CANCELLED / PRICE_CHANGED, 422 IDEMPOTENCY_KEY_REUSED, 402 INSUFFICIENT_FUNDS, 503 when billing cannot
   * be reached (the purchase then stays pending for the sweep).
   */
  async execute(buyer: Buyer, request: { durationHours: DurationHours; priceId?: string | undefined }, idempotencyKey?: string): Promise<PurchaseTokenResponse> {
    const { durationHours, priceId } = request;
    if (this.deps.requireVerifiedEmail && !buyer.emailVerified) throw new EmailNotVerifiedError();
    const fingerprint = requestFingerprint({ duration_hours: durationHours, price_id: priceId });
    const purchase = await this.begin(buyer.userId, durationHours, idempotencyKey ?? null, fingerprint);
    if ("replay" in purchase) {
      this.activity.purchaseOutcome("replayed");
      return purchase.replay;
    }
    this.crash("before_debit");
    const debit = await this.debit(purchase, priceId);
    this.crash("after_debit");
    const response = await this.mint(purchase, debit);
    this.crash("after_mint");
    this.activity.purchased(durationHours);
    return response;
  }

  /** Step 1: a new pending purchase, or the replay of the one this key already names. */
  private async begin(userId: string, durationHours: DurationHours, idempotencyKey: string | null, fingerprint: string): Promise<Purchase | { replay: PurchaseTokenResponse }> {
    const { tokens, purchases, sealer } = this.deps;
    if (idempotencyKey) {
      const existing = await purchases.findByKey(userId, idempotencyKey);
      if (existing) return { replay: replayPurchase(existing, fingerprint, sealer) };
    }
    const inserted = await tokens.transaction(async (tx) => {
      await tokens.lockUser(tx, userId);
      // Tokens held, not purchases in flight: counting those refused 5 of 20 parallel purchases
      // with 409 when the wallet paid for 5 and the user held none (issue #19). The mint checks again.
      if ((await tokens.countLive(tx, userId)) >= this.deps.maxLiveTokensPerUser) throw new TokenLimitReachedError(this.deps.maxLiveTokensPerUser);
      return purchases.insertPending(tx, { userId, idempotencyKey, requestFingerprint: fingerprint, durationHours });
    });
    if (inserted) return inserted;
    // A concurrent request with the same key inserted first (the user lock serialised us behind it).
    const winner = idempotencyKey ? await purchases.findByKey(userId, idempotencyKey) : undefined;
    if (!winner) throw new Error("purchase insert conflicted without an idempotency key");
    return { replay: replayPurchase(winner, fingerprint, sealer) };
  }

  /**
   * Step 2. Billing's refusals (402, 409 PRICE_CHANGED when `priceId` is no longer the current
   * price, …) fail the purchase for good, its key replaying them; unreachable billing leaves it pending.
   */
  private async debit(purchase: Purchase, priceId: string | undefined): Promise<Debit> {
    try {
      return await this.deps.billing.debit(purchase.id, purchase.userId, purchase.durationHours, priceId);
    } catch (error) {
      if (error instanceof AppError && error.statusCode >= 400 && error.statusCode < 500) {
        await this.deps.purchases.fail(purchase.id, { statusCode: error.statusCode, errorCode: error.errorCode, detail: error.detail });
        this.activity.purchaseOutcome(error.statusCode === 402 ? "declined" : "cancelled");
      } else {
        this.activity.purchaseOutcome("unavailable");
      }
      throw error;
    }
  }

  /** Step 3: token, completed purchase, sealed answer and event in one transaction, unless the sweep gave the purchase up first. */
  private async mint(purchase: Purchase, debit: Debit): Promise<PurchaseTokenResponse> {
    const { tokens, purchases, events, sealer } = this.deps;
    const value = generateTokenValue();
    const response = await tokens.transaction(async (tx) => {
      // Under the user's lock, so racing mints of one user count each other's tokens.
      await tokens.lockUser(tx, purchase.userId);
      const current = await purchases.findById(purchase.id, tx, { forUpdate: true });
      // The sweep refunded it while billing was answering us: no token without its money.
      if (current?.status !== "pending") return new PurchaseCancelledError();
      if ((await tokens.countLive(tx, purchase.userId)) >= this.deps.maxLiveTokensPerUser) return this.refundOverCap(tx, purchase);
      const token = await tokens.insert(tx, { userId: purchase.userId, tokenSha256: accessTokenHash(value), durationHours: purchase.durationHours, purchaseId: purchase.id });
      const body: PurchaseTokenResponse = {
        id: token.id,
        token: value,
        duration_hours: token.durationHours,
        status: "pending",
        created_at: token.createdAt.toISOString(),
        purchase_id: purchase.id,
        amount: debit.amount,
        currency: debit.currency,
        price_id: debit.priceId,
      };
      await purchases.complete(tx, purchase.id, { tokenId: token.id, ...debit, sealedResponse: sealer.seal(purchase.id, body), responseExpiresAt: new Date(Date.now() + REPLAY_WINDOW_MS) });
      await events.purchaseCompleted(tx, {
        purchase_id: purchase.id,
        token_id: token.id,
        user_id: purchase.userId,
        duration_hours: purchase.durationHours,
        amount: debit.amount,
        currency: debit.currency,
        price_id: debit.priceId,
        completed_at: token.createdAt.toISOString(),
      });
      return body;
    });
    if (response instanceof AppError) throw response;
    this.deps.outbox.announce();
    return response;
  }

  /**
   * Debited, but other purchases of the user minted up to the cap meanwhile: billing returns the
   * debit now and the purchase fails with TOKEN_LIMIT_REACHED (its key replays that), both while
   * the purchase row is held. Billing unreachable: the transaction rolls back, the purchase stays
   * pending and the sweep refunds it, as after a crash here.
   */
  private async refundOverCap(tx: Transaction, purchase: Purchase): Promise<TokenLimitReachedError> {
    const refused = new TokenLimitReachedError(this.deps.maxLiveTokensPerUser);
    const outcome = await this.deps.billing.refund(purchase.id, "purchase_failed");
    await this.deps.purchases.fail(purchase.id, { statusCode: refused.statusCode, errorCode: refused.errorCode, detail: refused.detail }, tx);
    this.deps.tokens.afterCommit(tx, () => {
      if (outcome.status === "refunded") this.activity.refunded("purchase_failed");
      this.activity.purchaseOutcome("cancelled");
    });
    return refused;
  }
}
