import type { Knex } from "knex";

export type Tx = Knex.Transaction;

/** Postgres `bigint` arrives as a string; every amount in this service fits a JavaScript number (≤ 2^53). */
export const toAmount = (value: string | number | null): number => Number(value ?? 0);
