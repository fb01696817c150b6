import type { Migration } from "@tollgate/service-kit";

/** External sign-in identities (OAuth / OpenID Connect); accounts created through one may have no password. */
export const userIdentitiesMigration: Migration = {
  name: "0005_user_identities",
  up: async (knex) => {
    await knex.raw("ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL");
    await knex.schema.createTable("user_identities", (table) => {
      table.uuid("id").primary();
      table.uuid("user_id").notNullable().references("users.id").onDelete("CASCADE");
      table.text("provider").notNullable();
      // The provider's stable id for the person (`sub`); e-mail addresses change, this does not.
      table.text("subject").notNullable();
      table.text("email").nullable();
      table.boolean("email_verified").notNullable().defaultTo(false);
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("last_login_at", { useTz: true }).nullable();
      // Named: a racing second link is told apart by which one it broke.
      table.unique(["provider", "subject"], { indexName: "user_identities_provider_subject_unique" });
      table.unique(["user_id", "provider"], { indexName: "user_identities_user_provider_unique" });
    });
  },
  down: async (knex) => {
    await knex.schema.dropTable("user_identities");
    await knex.raw("ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL");
  },
};
