import type { Migration } from "@tollgate/service-kit";

export const usersMigration: Migration = {
  name: "0001_users",
  up: async (knex) => {
    await knex.schema.createTable("users", (table) => {
      table.uuid("id").primary();
      table.text("email").notNullable();
      table.text("username").notNullable();
      table.text("password_hash").notNullable();
      table.text("role").notNullable().defaultTo("user");
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("last_login_at", { useTz: true }).nullable();
      table.timestamp("password_changed_at", { useTz: true }).nullable();
      table.timestamp("disabled_at", { useTz: true }).nullable();
    });
    // Named constraints: a racing duplicate is told apart by which one it broke.
    await knex.raw("CREATE UNIQUE INDEX users_email_unique ON users (lower(email))");
    await knex.raw("CREATE UNIQUE INDEX users_username_unique ON users (lower(username))");
    await knex.raw("ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'admin'))");
  },
  down: async (knex) => knex.schema.dropTable("users"),
};
