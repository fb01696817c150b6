import type { Migration } from "@tollgate/service-kit";

export const gamesAndMoves: Migration = {
  name: "001-games-and-moves",
  up: async (knex) => {
    await knex.schema.createTable("games", (table) => {
      table.uuid("id").primary();
      table.string("kind", 32).notNullable();
      table.string("status", 16).notNullable();
      table.uuid("player1_id").notNullable();
      table.uuid("player2_id").nullable();
      table.uuid("invited_user_id").nullable();
      table.integer("version").notNullable().defaultTo(0);
      table.string("result", 16).nullable();
      table.string("end_reason", 32).nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.index(["player1_id", "status"]);
      table.index(["player2_id", "status"]);
      table.index(["invited_user_id", "status"]);
    });
    await knex.schema.createTable("moves", (table) => {
      table.uuid("game_id").notNullable().references("id").inTable("games").onDelete("CASCADE");
      // The move's position in the game, 0-based; the client sends it as `seq`.
      table.integer("seq").notNullable();
      table.uuid("player_id").notNullable();
      table.jsonb("action").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.primary(["game_id", "seq"]);
    });
  },
  down: async (knex) => {
    await knex.schema.dropTable("moves");
    await knex.schema.dropTable("games");
  },
};
