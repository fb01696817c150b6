/**
 * An open database transaction, opaque to the use cases: they get one from
 * `BillingUnitOfWork.transaction` (or `applyOnce`) and only hand it back to the unit of work, the
 * repositories and the event publisher, which know what it is (a knex transaction).
 */
export type Transaction = object;
