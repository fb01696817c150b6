import { encodePageCursor, type PriceList, type PurchaseStatusResponse, type Receipt, type Wallet, type WalletTransactionPage, type WalletTransactionsQuery } from "@tollgate/contracts";
import { PurchaseNotFoundError } from "./billing-errors";
import { toWalletTransaction } from "./ledger";
import type { LedgerRepositoryPort } from "./ledger.repository.port";
import type { PriceRepositoryPort } from "./price.repository.port";
import { toStatusResponse } from "./purchase";
import type { PurchaseRepositoryPort } from "./purchase.repository.port";

/** What users, administrators and the token service read: prices, wallets, transactions, purchases. */
export class ReadBillingUseCase {
  constructor(
    private readonly purchases: PurchaseRepositoryPort,
    private readonly prices: PriceRepositoryPort,
    private readonly ledger: LedgerRepositoryPort,
    private readonly currency: string,
  ) {}

  async priceList(): Promise<PriceList> {
    const prices = await this.prices.current(this.currency);
    return { currency: this.currency, prices: prices.map((price) => ({ duration_hours: price.durationHours, unit_amount: price.unitAmount, price_id: price.id })) };
  }

  /** A user's wallet in the service's currency; a zero balance (updated_at null) when never used. */
  async wallet(userId: string): Promise<Wallet> {
    const wallet = await this.ledger.wallet(userId, this.currency);
    return { currency: this.currency, balance: wallet?.balance ?? 0, updated_at: wallet?.updatedAt.toISOString() ?? null };
  }

  /** A user's ledger transactions, newest first, a page at a time (`next_cursor` null on the last). */
  async transactions(userId: string, query: WalletTransactionsQuery): Promise<WalletTransactionPage> {
    const page = await this.ledger.page(userId, query.cursor, query.limit);
    return { data: page.transactions.map(toWalletTransaction), next_cursor: page.next ? encodePageCursor(page.next) : null };
  }

  /** 404 PURCHASE_NOT_FOUND for an unknown id. */
  async purchaseStatus(purchaseId: string): Promise<PurchaseStatusResponse> {
    const purchase = await this.purchases.find(purchaseId);
    if (!purchase) throw new PurchaseNotFoundError();
    return toStatusResponse(purchase);
  }

  /** The owner's receipt; someone else's purchase, a tombstone or an unknown id is 404 PURCHASE_NOT_FOUND. */
  async receipt(purchaseId: string, userId: string): Promise<Receipt> {
    const purchase = await this.purchases.find(purchaseId);
    if (!purchase || purchase.userId !== userId || purchase.status === "cancelled" || !purchase.priceId || !purchase.debitedAt || purchase.durationHours === null) throw new PurchaseNotFoundError();
    const refunds = await this.purchases.refunds(purchaseId);
    return {
      purchase_id: purchase.purchaseId,
      duration_hours: purchase.durationHours,
      status: purchase.status,
      amount: purchase.amount,
      currency: purchase.currency,
      price_id: purchase.priceId,
      debited_at: purchase.debitedAt.toISOString(),
      refunds: refunds.map((refund) => ({ refund_id: refund.id, amount: refund.amount, reason: refund.reason, description: refund.description, created_at: refund.createdAt.toISOString() })),
    };
  }
}
