import { afterCommit, applyOnce } from "@tollgate/service-kit";
import type { Knex } from "knex";
import type { Transaction } from "../domain/transaction.port";
import type { BillingUnitOfWork } from "../domain/unit-of-work.port";
import type { Tx } from "./billing-rows";

/** The use cases' transactions over knex: the `Transaction` they hold is a knex transaction. */
export class KnexUnitOfWork implements BillingUnitOfWork {
  constructor(private readonly knex: Knex) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.knex.transaction(work);
  }

  applyOnce(consumer: string, eventId: string, effect: (tx: Transaction) => Promise<void>): Promise<boolean> {
    return applyOnce(this.knex, consumer, eventId, effect);
  }

  savepoint<T>(tx: Tx, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return tx.transaction(work);
  }

  afterCommit(tx: Tx, effect: () => void): void {
    afterCommit(tx, effect);
  }
}
