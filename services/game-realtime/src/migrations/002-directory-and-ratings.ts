import type { Migration } from "@tollgate/service-kit";

/**
 * The user directory (usernames from auth's `user.registered`, for invitations by name, game JSON
 * and the leaderboard), players' Glicko-2 ratings, and one row per rated game: the row's primary
 * key is what keeps a game from being rated twice.
 */
export const directoryAndRatings: Migration = {
  name: "002-directory-and-ratings",
  up: async (knex) => {
    await knex.schema.createTable("user_directory", (table) => {
      table.uuid("user_id").primary();
      table.text("username").notNullable();
      table.timestamp("registered_at", { useTz: true }).notNullable();
    });
    // Usernames compare case-insensitively, as auth's do.
    await knex.raw("CREATE UNIQUE INDEX user_directory_username_unique ON user_directory (lower(username))");
    await knex.schema.createTable("player_ratings", (table) => {
      table.uuid("user_id").primary();
      table.double("rating").notNullable();
      table.double("rating_deviation").notNullable();
      table.double("volatility").notNullable();
      table.integer("games").notNullable().defaultTo(0);
      table.integer("wins").notNullable().defaultTo(0);
      table.integer("losses").notNullable().defaultTo(0);
      table.integer("draws").notNullable().defaultTo(0);
      table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    // The leaderboard's order and keyset: rating descending, user id ascending, rated players only.
    await knex.raw("CREATE INDEX player_ratings_leaderboard_index ON player_ratings (rating DESC, user_id) WHERE games > 0");
    await knex.schema.createTable("game_ratings", (table) => {
      table.uuid("game_id").primary().references("id").inTable("games").onDelete("CASCADE");
      table.double("player1_change").notNullable();
      table.double("player2_change").notNullable();
      table.timestamp("rated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  },
  down: async (knex) => {
    await knex.schema.dropTable("game_ratings");
    await knex.schema.dropTable("player_ratings");
    await knex.schema.dropTable("user_directory");
  },
};
