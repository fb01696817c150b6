import type { Migration } from "@tollgate/service-kit";

/**
 * Wallets (one per user and currency), purchases and their refunds. A purchase row is either a
 * debit (`debited`, later `refunded`) or a tombstone (`cancelled`: the token service gave the
 * purchase up before any debit, so a late debit for that id is refused).
 */
export const walletsPurchasesMigration: Migration = {
  name: "0004_wallets_purchases",
  up: async (knex) => {
    await knex.schema.createTable("wallets", (table) => {
      table.uuid("user_id").notNullable();
      table.specificType("currency", "char(3)").notNullable();
      // Purchases and admin debits never take it below zero (their UPDATE says `balance >= amount`);
      // a provider refund or dispute of money already spent may, and is recorded as it is.
      table.bigInteger("balance").notNullable().defaultTo(0);
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.primary(["user_id", "currency"]);
    });
    await knex.schema.createTable("purchases", (table) => {
      table.uuid("purchase_id").primary();
      table.uuid("user_id").nullable();
      table.integer("duration_hours").nullable();
      table.text("status").notNullable();
      table.bigInteger("amount").notNullable().defaultTo(0);
      table.specificType("currency", "char(3)").notNullable();
      table.uuid("price_id").nullable().references("id").inTable("prices");
      table.bigInteger("balance_after").nullable();
      table.uuid("debit_transaction_id").nullable().references("id").inTable("ledger_transactions");
      table.timestamp("debited_at", { useTz: true }).nullable();
      table.bigInteger("refunded_amount").notNullable().defaultTo(0);
      // The refund that returned the last of the money (what a repeated refund call answers with).
      table.uuid("final_refund_id").nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.index(["user_id"]);
    });
    await knex.raw(`ALTER TABLE purchases ADD CONSTRAINT purchases_status_check CHECK (status IN ('debited', 'refunded', 'cancelled'))`);
    await knex.raw(`ALTER TABLE purchases ADD CONSTRAINT purchases_refunded_check CHECK (refunded_amount >= 0 AND refunded_amount <= amount)`);
    await knex.raw(`ALTER TABLE purchases ADD CONSTRAINT purchases_debit_check CHECK (status = 'cancelled' OR (user_id IS NOT NULL AND duration_hours IS NOT NULL AND price_id IS NOT NULL AND debited_at IS NOT NULL))`);
    await knex.schema.createTable("purchase_refunds", (table) => {
      table.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
      table.uuid("purchase_id").notNullable().references("purchase_id").inTable("purchases");
      table.bigInteger("amount").notNullable();
      table.text("reason").notNullable();
      // The administrator who refunded; null when the token service asked.
      table.uuid("refunded_by").nullable();
      table.uuid("transaction_id").nullable().references("id").inTable("ledger_transactions");
      table.bigInteger("balance_after").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.raw("clock_timestamp()"));
      table.index(["purchase_id"]);
    });
    await knex.raw(`ALTER TABLE purchase_refunds ADD CONSTRAINT purchase_refunds_amount_check CHECK (amount >= 0)`);
  },
  down: async (knex) => {
    await knex.schema.dropTable("purchase_refunds");
    await knex.schema.dropTable("purchases");
    await knex.schema.dropTable("wallets");
  },
};
