import type { Migration } from "@tollgate/service-kit";

/**
 * The double-entry ledger. A movement is one `ledger_transactions` row and at least two
 * `ledger_entries` over accounts (`wallet:<user>:<currency>`, `revenue:<currency>`,
 * `stripe_clearing:<currency>`, `adjustments:<currency>`, `development_credit:<currency>`) that
 * sum to zero: a deferred constraint trigger checks it at commit, so no transaction can leave
 * money appearing or vanishing. Both tables are append-only (a trigger refuses UPDATE and DELETE).
 * `wallets.balance` is kept beside the ledger in the same transaction and must equal the sum of
 * its account's entries (the component tests check it).
 */
export const ledgerMigration: Migration = {
  name: "0003_ledger",
  up: async (knex) => {
    await knex.schema.createTable("ledger_transactions", (table) => {
      table.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
      table.text("kind").notNullable();
      table.uuid("user_id").notNullable();
      table.specificType("currency", "char(3)").notNullable();
      // Signed effect on the user's wallet: + credit, − debit.
      table.bigInteger("amount").notNullable();
      table.text("reference_type").notNullable();
      table.uuid("reference_id").notNullable();
      table.text("description").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.raw("clock_timestamp()"));
    });
    await knex.raw(`ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN ('top_up', 'purchase', 'refund', 'adjustment', 'provider_refund', 'dispute'))`);
    await knex.raw("CREATE INDEX ledger_transactions_user_page_index ON ledger_transactions (user_id, created_at DESC, id DESC)");
    await knex.schema.createTable("ledger_entries", (table) => {
      table.bigIncrements("id").primary();
      table.uuid("transaction_id").notNullable().references("id").inTable("ledger_transactions");
      table.text("account").notNullable();
      table.specificType("currency", "char(3)").notNullable();
      table.bigInteger("amount").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.index(["transaction_id"]);
      table.index(["account"]);
    });
    await knex.raw(`
      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$`);
    await knex.raw("CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION ledger_append_only()");
    await knex.raw("CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only()");
    await knex.raw(`
      CREATE FUNCTION ledger_transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE total numeric; entries integer; currencies integer;
      BEGIN
        SELECT coalesce(sum(amount), 0), count(*), count(DISTINCT currency) INTO total, entries, currencies
          FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
        IF total <> 0 OR entries < 2 OR currencies <> 1 THEN
          RAISE EXCEPTION 'ledger transaction % does not balance (sum %, % entries, % currencies)', NEW.transaction_id, total, entries, currencies;
        END IF;
        RETURN NULL;
      END $$`);
    await knex.raw(`CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balances()`);
  },
  down: async (knex) => {
    await knex.schema.dropTable("ledger_entries");
    await knex.schema.dropTable("ledger_transactions");
    await knex.raw("DROP FUNCTION ledger_transaction_balances()");
    await knex.raw("DROP FUNCTION ledger_append_only()");
  },
};
