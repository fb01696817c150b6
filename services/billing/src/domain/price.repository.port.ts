import type { Price, PriceEntry } from "./price";
import type { Transaction } from "./transaction.port";

/** Price versions, the newest of a currency being its price list; data/price.repository.ts implements it. */
export interface PriceRepositoryPort {
  /** The current price of every duration in `currency`, shortest first; empty before any version exists. */
  current(currency: string, tx?: Transaction): Promise<Price[]>;
  /** Any version's price by its id (current or superseded); undefined when there is none. */
  find(id: string, tx?: Transaction): Promise<Price | undefined>;
  /** Records a new version (every duration given; the caller carries unchanged ones over). */
  addVersion(tx: Transaction, version: { currency: string; source: "config" | "admin"; createdBy: string | null; entries: readonly PriceEntry[] }): Promise<Price[]>;
  /** Serialises new versions of one currency until the transaction ends. */
  lockCurrency(tx: Transaction, currency: string): Promise<void>;
}
