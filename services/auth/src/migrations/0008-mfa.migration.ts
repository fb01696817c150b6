import type { Migration } from "@tollgate/service-kit";

/**
 * A second factor per user: one TOTP authenticator (RFC 6238) and its recovery codes.
 *
 * - `user_totp_authenticators`: the shared secret, sealed like the signing keys
 *   (`SIGNING_KEYS_ENCRYPTION_KEYS`, bound to the user); `confirmed_at` null while enrolment
 *   waits for its first code (login does not ask for it then); `last_used_step`, the RFC 6238
 *   time step (Unix seconds / 30) of the last code accepted, so no code is accepted twice
 *   (§5.2: "the verifier MUST NOT accept the second attempt of the OTP").
 * - `user_recovery_codes`: SHA-256 of each code (80 random bits, so a fast hash is enough),
 *   `used_at` set once, atomically.
 */
export const mfaMigration: Migration = {
  name: "0008_mfa",
  up: async (knex) => {
    await knex.schema.createTable("user_totp_authenticators", (table) => {
      table.uuid("user_id").primary().references("users.id").onDelete("CASCADE");
      table.text("secret_sealed").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("confirmed_at", { useTz: true }).nullable();
      table.bigInteger("last_used_step").nullable();
    });
    await knex.schema.createTable("user_recovery_codes", (table) => {
      table.uuid("id").primary();
      table.uuid("user_id").notNullable().references("users.id").onDelete("CASCADE");
      table.text("code_sha256").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("used_at", { useTz: true }).nullable();
      table.unique(["user_id", "code_sha256"]);
    });
  },
  down: async (knex) => {
    await knex.schema.dropTable("user_recovery_codes");
    await knex.schema.dropTable("user_totp_authenticators");
  },
};
