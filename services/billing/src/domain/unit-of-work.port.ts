import type { Transaction } from "./transaction.port";

/**
 * Where the use cases' transactions come from; data/unit-of-work.ts implements it over knex.
 * Everything written through one `tx` commits together or not at all.
 */
export interface BillingUnitOfWork {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs `effect` in one transaction with the record that `consumer` applied `eventId`; false,
   * running nothing, when that was recorded before (a redelivery changes nothing).
   */
  applyOnce(consumer: string, eventId: string, effect: (tx: Transaction) => Promise<void>): Promise<boolean>;
  /** Runs `work` in a savepoint of `tx`: when it throws, what it wrote is rolled back and `tx` goes on. */
  savepoint<T>(tx: Transaction, work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs `effect` once the outermost transaction around `tx` has committed; never if it rolls back. */
  afterCommit(tx: Transaction, effect: () => void): void;
}
