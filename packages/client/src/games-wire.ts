/**
 * Shapes of matchmaking, ratings and the leaderboard as the game service sends them (issue #20's
 * design), parsed here until `@tollgate/contracts` carries them; then these give way to its.
 */
import { gameSchema } from "@tollgate/contracts";
import { z } from "zod";

const rating = z.number();
const iso = z.iso.datetime({ offset: true });

/** `POST /api/v1/games/matchmaking` → 202. */
export const matchmakingQueuedSchema = z.object({ status: z.literal("queued"), rating, queued_at: iso });
export type MatchmakingQueued = z.infer<typeof matchmakingQueuedSchema>;

/** `GET /api/v1/games/matchmaking`. */
export const matchmakingStatusSchema = z.object({ status: z.enum(["idle", "queued", "matched"]), game_id: z.uuid().optional() });
export type MatchmakingStatus = z.infer<typeof matchmakingStatusSchema>;

export const leaderboardEntrySchema = z.object({
  rank: z.number().int().positive(),
  user_id: z.uuid(),
  username: z.string().nullable(),
  rating: z.number().int(),
  games: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntrySchema>;

/** `GET /api/v1/games/leaderboard?limit=&cursor=`: rating descending; `next_cursor` null on the last page. */
export const leaderboardPageSchema = z.object({ data: z.array(leaderboardEntrySchema), next_cursor: z.string().nullable() });
export type LeaderboardPage = z.infer<typeof leaderboardPageSchema>;

/** `GET /api/v1/games/ratings/me`: `rank` is null until the player has finished a game. */
export const myRatingSchema = z.object({
  user_id: z.uuid(),
  username: z.string().nullable(),
  rating,
  rating_deviation: z.number(),
  games: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
  rank: z.number().int().positive().nullable(),
});
export type MyRating = z.infer<typeof myRatingSchema>;

/** Matchmaking messages the server sends over `/ws/game` after `game:find`. */
export const matchmakingMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("game:queued"), rating, queued_at: iso }),
  z.object({
    type: z.literal("game:matched"),
    game_id: z.uuid(),
    opponent: z.object({ user_id: z.uuid(), username: z.string().nullable(), rating }),
    you_are: z.enum(["player1", "player2"]),
  }),
  z.object({ type: z.literal("game:find_cancelled") }),
  z.object({ type: z.literal("game:no_opponent"), waited_seconds: z.number() }),
]);
export type MatchmakingMessage = z.infer<typeof matchmakingMessageSchema>;

/** A game as the service sends it, with the players' usernames from its directory (absent from older services). */
export const namedGameSchema = gameSchema.extend({
  player1_username: z.string().nullable().optional(),
  player2_username: z.string().nullable().optional(),
  invited_username: z.string().nullable().optional(),
});
export type NamedGame = z.infer<typeof namedGameSchema>;
