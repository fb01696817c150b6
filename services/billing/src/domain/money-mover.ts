import type { Tx } from "../data/billing-rows";
import type { LedgerRepository } from "../data/ledger.repository";
import type { BillingEventsPublisher } from "../messaging/billing-events.publisher";
import type { Movement, PostedMovement } from "./ledger";

/** Every movement of money: the ledger posting and its `wallet.credited` / `wallet.debited` event, in one transaction. */
export class MoneyMover {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly events: BillingEventsPublisher,
  ) {}

  /** Undefined, having written nothing, when funds were required and the wallet cannot cover the debit. */
  async move(tx: Tx, movement: Movement): Promise<PostedMovement | undefined> {
    const posted = await this.ledger.post(tx, movement);
    if (posted) await this.events.walletMoved(tx, posted);
    return posted;
  }
}
