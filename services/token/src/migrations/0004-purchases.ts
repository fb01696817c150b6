import type { Migration } from "@tollgate/service-kit";

/**
 * Paid purchases and refunds of unused tokens. A purchase is `pending` from before billing is
 * asked until its token is minted (`completed`) or it is given up (`failed`); the recovery sweep
 * finds the pending ones a crash or an outage left behind.
 */
export const purchasesMigration: Migration = {
  name: "0004_purchases",
  up: async (knex) => {
    await knex.schema.createTable("purchases", (table) => {
      // The purchase id billing debits under: one debit per id, however often asked.
      table.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
      table.uuid("user_id").notNullable();
      table.string("idempotency_key", 255).nullable();
      // SHA-256 (hex) of the request body, to refuse a reused key with another body.
      table.specificType("request_fingerprint", "char(64)").notNullable();
      table.integer("duration_hours").notNullable();
      table.text("status").notNullable().defaultTo("pending");
      table.uuid("token_id").nullable();
      // Minor units of `currency`, as billing charged them.
      table.integer("amount").nullable();
      table.string("currency", 3).nullable();
      table.text("price_id").nullable();
      // The 201 body, AES-256-GCM sealed (it holds the plaintext token), kept for replays until response_expires_at.
      table.binary("sealed_response").nullable();
      table.timestamp("response_expires_at", { useTz: true }).nullable();
      table.integer("error_status").nullable();
      table.text("error_code").nullable();
      table.text("error_detail").nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw(`ALTER TABLE purchases ADD CONSTRAINT purchases_status_check CHECK (status IN ('pending', 'completed', 'failed'))`);
    await knex.raw(`ALTER TABLE purchases ADD CONSTRAINT purchases_completed_check CHECK ((status = 'completed') = (token_id IS NOT NULL))`);
    await knex.raw("CREATE UNIQUE INDEX purchases_user_idempotency_key_index ON purchases (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL");
    await knex.raw("CREATE INDEX purchases_pending_index ON purchases (created_at) WHERE status = 'pending'");
    await knex.raw("CREATE INDEX purchases_response_expiry_index ON purchases (response_expires_at) WHERE response_expires_at IS NOT NULL");

    await knex.schema.alterTable("access_tokens", (table) => {
      table.uuid("purchase_id").nullable().unique();
    });

    // One row per unused token returned: written with the token's `refunded` status, completed once billing refunded it.
    await knex.schema.createTable("token_refunds", (table) => {
      table.uuid("token_id").primary();
      table.uuid("purchase_id").notNullable().unique();
      table.uuid("user_id").notNullable();
      table.text("status").notNullable().defaultTo("requested");
      table.integer("amount").nullable();
      table.string("currency", 3).nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("completed_at", { useTz: true }).nullable();
    });
    await knex.raw(`ALTER TABLE token_refunds ADD CONSTRAINT token_refunds_status_check CHECK (status IN ('requested', 'completed'))`);
  },
  down: async (knex) => {
    await knex.schema.dropTable("token_refunds");
    await knex.schema.alterTable("access_tokens", (table) => table.dropColumn("purchase_id"));
    await knex.schema.dropTable("purchases");
  },
};
