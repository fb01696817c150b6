import type { Migration } from "@tollgate/service-kit";

export const accessTokensMigration: Migration = {
  name: "0002_access_tokens",
  up: async (knex) => {
    await knex.schema.createTable("access_tokens", (table) => {
      table.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
      table.uuid("user_id").notNullable().index();
      // SHA-256 (hex) of the token; the plaintext is shown once at purchase and never stored.
      table.specificType("token_sha256", "char(64)").notNullable().unique();
      table.integer("duration_hours").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("activated_at", { useTz: true }).nullable();
      table.timestamp("expires_at", { useTz: true }).nullable();
      table.timestamp("revoked_at", { useTz: true }).nullable();
      table.text("revoke_reason").nullable();
    });
    await knex.raw(`ALTER TABLE access_tokens ADD CONSTRAINT access_tokens_duration_check CHECK (duration_hours IN (1, 12, 24, 168, 720))`);
    await knex.raw(`ALTER TABLE access_tokens ADD CONSTRAINT access_tokens_expiry_check CHECK ((activated_at IS NULL) = (expires_at IS NULL))`);
  },
  down: async (knex) => knex.schema.dropTable("access_tokens"),
};
