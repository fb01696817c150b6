import type { Migration } from "@tollgate/service-kit";

/**
 * (1) `idempotency_keys`: the first answer of every money-moving POST sent with an
 * `Idempotency-Key`, per caller, replayed to a repeat for 24 h (adjustments, refunds and
 * development top-ups were applied twice on a retry, issue #19). (2) A refund's `reason` becomes a
 * code and an administrator's own words move to `description`.
 */
export const idempotencyRefundReasonsMigration: Migration = {
  name: "0006_idempotency_refund_reasons",
  up: async (knex) => {
    await knex.schema.createTable("idempotency_keys", (table) => {
      // The authenticated caller (user or administrator): keys are scoped to whoever sent them.
      table.uuid("caller_id").notNullable();
      table.string("idempotency_key", 255).notNullable();
      // SHA-256 (hex) of the operation and its body: another body, or another route, is refused.
      table.specificType("request_fingerprint", "char(64)").notNullable();
      table.text("status").notNullable();
      table.integer("response_status").nullable();
      table.jsonb("response_body").nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("expires_at", { useTz: true }).notNullable();
      table.primary(["caller_id", "idempotency_key"]);
    });
    await knex.raw(`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_status_check CHECK (status IN ('in_progress', 'completed'))`);

    await knex.schema.alterTable("purchase_refunds", (table) => {
      table.text("description").nullable();
    });
    await knex.raw(`UPDATE purchase_refunds SET description = reason, reason = 'admin_refund' WHERE refunded_by IS NOT NULL`);
  },
  down: async (knex) => {
    await knex.raw(`UPDATE purchase_refunds SET reason = coalesce(description, reason) WHERE refunded_by IS NOT NULL`);
    await knex.schema.alterTable("purchase_refunds", (table) => table.dropColumn("description"));
    await knex.schema.dropTable("idempotency_keys");
  },
};
