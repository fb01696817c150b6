import type { Migration } from "@tollgate/service-kit";

export const auditLogsMigration: Migration = {
  name: "0004_audit_logs",
  up: async (knex) => {
    await knex.schema.createTable("audit_logs", (table) => {
      table.uuid("id").primary();
      // No foreign key: audit rows outlive users and may name users we only know from events.
      table.uuid("user_id").nullable();
      table.text("action").notNullable();
      table.text("ip").nullable();
      table.text("user_agent").nullable();
      table.jsonb("details").notNullable().defaultTo("{}");
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.index(["user_id", "created_at"]);
      table.index(["action", "created_at"]);
    });
  },
  down: async (knex) => knex.schema.dropTable("audit_logs"),
};
