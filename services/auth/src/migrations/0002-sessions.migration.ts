import type { Migration } from "@tollgate/service-kit";

export const sessionsMigration: Migration = {
  name: "0002_sessions",
  up: async (knex) => {
    await knex.schema.createTable("sessions", (table) => {
      table.uuid("id").primary();
      table.uuid("user_id").notNullable().references("users.id").onDelete("CASCADE");
      table.integer("generation").notNullable().defaultTo(0);
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("last_used_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("expires_at", { useTz: true }).notNullable();
      table.timestamp("revoked_at", { useTz: true }).nullable();
      table.text("revoke_reason").nullable();
      table.text("ip").nullable();
      table.text("user_agent").nullable();
      table.index(["user_id"]);
    });
    await knex.schema.createTable("refresh_tokens", (table) => {
      table.text("token_sha256").primary();
      table.uuid("session_id").notNullable().references("sessions.id").onDelete("CASCADE");
      table.integer("generation").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("rotated_at", { useTz: true }).nullable();
      // The successor, encrypted with a key derived from this (old) token: only its holder can read it.
      table.text("successor_sealed").nullable();
      table.unique(["session_id", "generation"]);
    });
  },
  down: async (knex) => {
    await knex.schema.dropTable("refresh_tokens");
    await knex.schema.dropTable("sessions");
  },
};
