import type { LeaderboardPosition } from "@tollgate/contracts";
import type { Knex } from "knex";
import { DEFAULT_RATING, type PlayerRating, type RatingChange } from "../domain/player-rating";
import type { BatchRatings, LockedRatings, RankedPlayer, RatingReader } from "../domain/rating-store.port";

interface RatingRow {
  user_id: string;
  rating: number;
  rating_deviation: number;
  volatility: number;
  games: number;
  wins: number;
  losses: number;
  draws: number;
}

const toRating = (row: RatingRow): PlayerRating => ({
  userId: row.user_id,
  rating: row.rating,
  ratingDeviation: row.rating_deviation,
  volatility: row.volatility,
  games: row.games,
  wins: row.wins,
  losses: row.losses,
  draws: row.draws,
});

/** Ratings inside a game's finishing transaction (see LockedRatings). */
export function lockedRatings(trx: Knex.Transaction): LockedRatings {
  return {
    async lock(userIds) {
      const defaults = { rating: DEFAULT_RATING.rating, rating_deviation: DEFAULT_RATING.ratingDeviation, volatility: DEFAULT_RATING.volatility };
      // Rows created first so both can be locked; in user id order, so two games of one player never deadlock.
      await trx("player_ratings").insert(userIds.map((user_id) => ({ user_id, ...defaults }))).onConflict("user_id").ignore();
      const rows = await trx<RatingRow>("player_ratings").whereIn("user_id", [...userIds]).orderBy("user_id").forUpdate();
      const byId = new Map(rows.map((row) => [row.user_id, toRating(row)]));
      const [one, two] = userIds.map((id) => byId.get(id));
      if (!one || !two) throw new Error("player ratings vanished under lock");
      return [one, two];
    },
    async claim(gameId: string, change: RatingChange) {
      const inserted = await trx("game_ratings").insert({ game_id: gameId, player1_change: change.player1, player2_change: change.player2 }).onConflict("game_id").ignore().returning("game_id");
      return inserted.length > 0;
    },
    async save(ratings) {
      for (const r of ratings) {
        await trx("player_ratings")
          .where({ user_id: r.userId })
          .update({ rating: r.rating, rating_deviation: r.ratingDeviation, volatility: r.volatility, games: r.games, wins: r.wins, losses: r.losses, draws: r.draws, updated_at: trx.fn.now() });
      }
    },
  };
}

/** Ratings inside a group commit's transaction (see BatchRatings): a statement per step whatever the number of games. */
export function batchRatings(trx: Knex.Transaction): BatchRatings {
  return {
    async lock(userIds) {
      const ids = [...userIds].sort();
      const defaults = { rating: DEFAULT_RATING.rating, rating_deviation: DEFAULT_RATING.ratingDeviation, volatility: DEFAULT_RATING.volatility };
      await trx("player_ratings").insert(ids.map((user_id) => ({ user_id, ...defaults }))).onConflict("user_id").ignore();
      const rows = await trx<RatingRow>("player_ratings").whereIn("user_id", ids).orderBy("user_id").forUpdate();
      return new Map(rows.map((row) => [row.user_id, toRating(row)]));
    },
    async claim(changes) {
      const rows = [...changes].map(([game_id, change]) => ({ game_id, player1_change: change.player1, player2_change: change.player2 }));
      const inserted = await trx("game_ratings").insert(rows).onConflict("game_id").ignore().returning<{ game_id: string }[]>("game_id");
      const claimed = new Set(inserted.map((row) => row.game_id));
      return [...changes.keys()].filter((gameId) => !claimed.has(gameId));
    },
    async save(ratings) {
      const rows = ratings.map((r) => ({ user_id: r.userId, rating: r.rating, rating_deviation: r.ratingDeviation, volatility: r.volatility, games: r.games, wins: r.wins, losses: r.losses, draws: r.draws }));
      await trx.raw(
        `UPDATE player_ratings AS p
            SET rating = i.rating, rating_deviation = i.rating_deviation, volatility = i.volatility,
                games = i.games, wins = i.wins, losses = i.losses, draws = i.draws, updated_at = now()
           FROM jsonb_to_recordset(?::jsonb) AS i(user_id uuid, rating double precision, rating_deviation double precision, volatility double precision, games integer, wins integer, losses integer, draws integer)
          WHERE p.user_id = i.user_id`,
        [JSON.stringify(rows)],
      );
    },
  };
}

/** Ratings for the leaderboard and a player's own page. */
export class PlayerRatingRepository implements RatingReader {
  constructor(private readonly knex: Knex) {}

  async find(userId: string): Promise<PlayerRating | undefined> {
    const row = await this.knex<RatingRow>("player_ratings").where({ user_id: userId }).first();
    return row ? toRating(row) : undefined;
  }

  async rankOf(rating: PlayerRating): Promise<number> {
    const row = await this.knex("player_ratings")
      .where("games", ">", 0)
      .andWhere((where) => where.where("rating", ">", rating.rating).orWhere((tie) => tie.where("rating", rating.rating).andWhere("user_id", "<", rating.userId)))
      .count<{ count: string }[]>({ count: "*" })
      .first();
    return Number(row?.count ?? 0) + 1;
  }

  async page(limit: number, after?: LeaderboardPosition): Promise<RankedPlayer[]> {
    const query = this.knex<RatingRow>("player_ratings").where("games", ">", 0).orderBy([{ column: "rating", order: "desc" }, { column: "user_id", order: "asc" }]).limit(limit);
    if (after) query.andWhere((where) => where.where("rating", "<", after.rating).orWhere((tie) => tie.where("rating", after.rating).andWhere("user_id", ">", after.userId)));
    const rows = (await query).map(toRating);
    const first = rows[0];
    if (!first) return [];
    // Ranks counted once for the page's first row; the rest follow in order.
    const firstRank = await this.rankOf(first);
    return rows.map((row, i) => ({ ...row, rank: firstRank + i }));
  }

  async changeOf(gameId: string): Promise<RatingChange | undefined> {
    const row = await this.knex("game_ratings").where({ game_id: gameId }).first<{ player1_change: number; player2_change: number } | undefined>("player1_change", "player2_change");
    return row ? { player1: row.player1_change, player2: row.player2_change } : undefined;
  }
}
