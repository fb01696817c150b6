import type { Migration } from "@tollgate/service-kit";

/** The admin token list pages newest first on (created_at, id), across all users or one user's. */
export const accessTokensAdminIndexMigration: Migration = {
  name: "0003_access_tokens_admin_index",
  up: async (knex) => {
    await knex.raw("CREATE INDEX access_tokens_created_at_id_index ON access_tokens (created_at DESC, id DESC)");
    await knex.raw("CREATE INDEX access_tokens_user_created_at_id_index ON access_tokens (user_id, created_at DESC, id DESC)");
  },
  down: async (knex) => {
    await knex.raw("DROP INDEX IF EXISTS access_tokens_user_created_at_id_index");
    await knex.raw("DROP INDEX IF EXISTS access_tokens_created_at_id_index");
  },
};
