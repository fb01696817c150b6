import type { BillingEventsPort } from "./billing-events.port";
import type { Movement, PostedMovement } from "./ledger";
import type { LedgerRepositoryPort } from "./ledger.repository.port";
import type { Transaction } from "./transaction.port";

/** Every movement of money: the ledger posting and its `wallet.credited` / `wallet.debited` event, in one transaction. */
export class MoneyMover {
  constructor(
    private readonly ledger: LedgerRepositoryPort,
    private readonly events: BillingEventsPort,
  ) {}

  /** Undefined, having written nothing, when funds were required and the wallet cannot cover the debit. */
  async move(tx: Transaction, movement: Movement): Promise<PostedMovement | undefined> {
    const posted = await this.ledger.post(tx, movement);
    if (posted) await this.events.walletMoved(tx, posted);
    return posted;
  }
}
