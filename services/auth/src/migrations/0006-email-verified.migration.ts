import type { Migration } from "@tollgate/service-kit";

/**
 * When the account's e-mail address was proven to reach its owner (a verification link, or an
 * external sign-in whose provider vouched for it); null while unproven. Changing the address
 * clears it.
 */
export const emailVerifiedMigration: Migration = {
  name: "0006_users_email_verified_at",
  up: async (knex) => {
    await knex.schema.alterTable("users", (table) => {
      table.timestamp("email_verified_at", { useTz: true }).nullable();
    });
    // Accounts created through a provider that vouched for the address start verified.
    await knex.raw(
      "UPDATE users SET email_verified_at = i.created_at FROM user_identities i WHERE i.user_id = users.id AND i.email_verified AND lower(i.email) = lower(users.email) AND users.email_verified_at IS NULL",
    );
  },
  down: async (knex) => {
    await knex.schema.alterTable("users", (table) => {
      table.dropColumn("email_verified_at");
    });
  },
};
