import type { Migration } from "@tollgate/service-kit";

/**
 * Administration: who did what in the audit log (`actor_id`, `actor_type`), and the indexes the
 * admin lists page with (newest first, keyset on `created_at, id`) and search by prefix.
 */
export const adminMigration: Migration = {
  name: "0009_admin",
  up: async (knex) => {
    await knex.schema.alterTable("audit_logs", (table) => {
      // No foreign key, like user_id: audit rows outlive the users they name.
      table.uuid("actor_id").nullable();
      table.text("actor_type").nullable();
    });
    await knex.raw("ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_actor_type_check CHECK (actor_type IN ('user', 'system', 'cli'))");
    // Disables written before this column named their admin in details.by.
    await knex.raw(
      "UPDATE audit_logs SET actor_id = (details->>'by')::uuid, actor_type = 'user' WHERE action = 'user_disabled' AND details->>'by' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'",
    );
    await knex.raw("CREATE INDEX audit_logs_created_at_id_index ON audit_logs (created_at DESC, id DESC)");
    await knex.raw("CREATE INDEX audit_logs_actor_id_created_at_index ON audit_logs (actor_id, created_at DESC) WHERE actor_id IS NOT NULL");
    await knex.raw("CREATE INDEX users_created_at_id_index ON users (created_at DESC, id DESC)");
    // A prefix LIKE can use a btree only with pattern operators (the database's collation is not C).
    await knex.raw("CREATE INDEX users_email_prefix_index ON users (lower(email) text_pattern_ops)");
    await knex.raw("CREATE INDEX users_username_prefix_index ON users (lower(username) text_pattern_ops)");
    await knex.raw("CREATE INDEX users_active_admins_index ON users (id) WHERE role = 'admin' AND disabled_at IS NULL");
  },
  down: async (knex) => {
    for (const index of ["users_active_admins_index", "users_username_prefix_index", "users_email_prefix_index", "users_created_at_id_index", "audit_logs_actor_id_created_at_index", "audit_logs_created_at_id_index"]) {
      await knex.raw(`DROP INDEX IF EXISTS ${index}`);
    }
    await knex.schema.alterTable("audit_logs", (table) => {
      table.dropColumn("actor_type");
      table.dropColumn("actor_id");
    });
  },
};
