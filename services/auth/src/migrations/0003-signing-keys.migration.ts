import type { Migration } from "@tollgate/service-kit";

export const signingKeysMigration: Migration = {
  name: "0003_signing_keys",
  up: async (knex) => {
    await knex.schema.createTable("signing_keys", (table) => {
      table.text("kid").primary();
      table.text("private_key_pem").notNullable();
      table.jsonb("public_jwk").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("retired_at", { useTz: true }).nullable();
    });
  },
  down: async (knex) => knex.schema.dropTable("signing_keys"),
};
