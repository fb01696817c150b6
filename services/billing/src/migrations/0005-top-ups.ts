import type { Migration } from "@tollgate/service-kit";

/**
 * Top-ups (card ones through Stripe Checkout, development ones credited at once) and what the
 * provider has reported taken back from each payment intent. Reversals are recorded by payment
 * intent because a refund's webhook can arrive before the one that credits (and names) the
 * top-up; whichever lands second applies the difference.
 */
export const topUpsMigration: Migration = {
  name: "0005_top_ups",
  up: async (knex) => {
    await knex.schema.createTable("top_ups", (table) => {
      table.uuid("id").primary();
      table.uuid("user_id").notNullable().index();
      table.bigInteger("amount").notNullable();
      table.specificType("currency", "char(3)").notNullable();
      table.text("provider").notNullable();
      table.text("status").notNullable();
      table.text("checkout_session_id").nullable().unique();
      table.text("checkout_url").nullable();
      table.text("payment_intent_id").nullable().unique();
      table.uuid("credit_transaction_id").nullable().references("id").inTable("ledger_transactions");
      table.timestamp("credited_at", { useTz: true }).nullable();
      // How much of the provider's reported refunds and disputes this top-up has debited so far.
      table.bigInteger("refunded_amount").notNullable().defaultTo(0);
      table.bigInteger("disputed_amount").notNullable().defaultTo(0);
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw(`ALTER TABLE top_ups ADD CONSTRAINT top_ups_amount_check CHECK (amount > 0)`);
    await knex.raw(`ALTER TABLE top_ups ADD CONSTRAINT top_ups_provider_check CHECK (provider IN ('stripe', 'development'))`);
    await knex.raw(`ALTER TABLE top_ups ADD CONSTRAINT top_ups_status_check CHECK (status IN ('open', 'succeeded'))`);
    await knex.schema.createTable("payment_reversals", (table) => {
      table.text("payment_intent_id").primary();
      // Cumulative, as Stripe reports them (`charge.amount_refunded`, the dispute's amount).
      table.bigInteger("refunded_amount").notNullable().defaultTo(0);
      table.bigInteger("disputed_amount").notNullable().defaultTo(0);
      table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  },
  down: async (knex) => {
    await knex.schema.dropTable("payment_reversals");
    await knex.schema.dropTable("top_ups");
  },
};
