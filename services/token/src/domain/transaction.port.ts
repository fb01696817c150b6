/**
 * An open database transaction, opaque to the use cases: they get one from
 * `AccessTokenRepositoryPort.transaction` and only hand it back to the repositories and the
 * event publisher, which know what it is (a knex transaction).
 */
export type Transaction = object;
