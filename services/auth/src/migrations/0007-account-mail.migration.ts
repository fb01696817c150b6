import type { Migration } from "@tollgate/service-kit";

/**
 * E-mail verification and password reset (OWASP Forgot Password Cheat Sheet: random, single-use,
 * short-lived tokens, stored hashed).
 *
 * - `account_tokens`: the SHA-256 of each mailed token (never the token), its purpose, the address
 *   it was sent to, its expiry and when it was used. Consumed with one conditional UPDATE, so two
 *   requests holding the same token cannot both succeed.
 * - `account_mails`: mails to send, written in the transaction of the change that asks for them
 *   (a registration, a reset request). The mail relay claims each (FOR UPDATE SKIP LOCKED), makes
 *   its token, sends it over SMTP and marks it sent; an SMTP failure leaves it for a later
 *   attempt. The token exists only in the mail: the row holds none.
 */
export const accountMailMigration: Migration = {
  name: "0007_account_mail",
  up: async (knex) => {
    await knex.schema.createTable("account_tokens", (table) => {
      table.text("token_sha256").primary();
      table.uuid("user_id").notNullable().references("users.id").onDelete("CASCADE");
      table.text("purpose").notNullable();
      table.text("email").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("expires_at", { useTz: true }).notNullable();
      table.timestamp("used_at", { useTz: true }).nullable();
      table.index(["user_id", "purpose"]);
    });
    await knex.raw("ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check CHECK (purpose IN ('email_verification', 'password_reset'))");
    await knex.schema.createTable("account_mails", (table) => {
      table.uuid("id").primary();
      table.uuid("user_id").notNullable().references("users.id").onDelete("CASCADE");
      table.text("kind").notNullable();
      table.text("email").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.integer("attempts").notNullable().defaultTo(0);
      table.timestamp("next_attempt_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.text("last_error").nullable();
      table.timestamp("sent_at", { useTz: true }).nullable();
      // Given up on: too many failed attempts, or no longer wanted (the address changed or was verified meanwhile).
      table.timestamp("dropped_at", { useTz: true }).nullable();
    });
    await knex.raw("ALTER TABLE account_mails ADD CONSTRAINT account_mails_kind_check CHECK (kind IN ('email_verification', 'password_reset'))");
    // The relay's scan: only rows still to send.
    await knex.raw("CREATE INDEX account_mails_pending_idx ON account_mails (next_attempt_at, created_at) WHERE sent_at IS NULL AND dropped_at IS NULL");
  },
  down: async (knex) => {
    await knex.schema.dropTable("account_mails");
    await knex.schema.dropTable("account_tokens");
  },
};
