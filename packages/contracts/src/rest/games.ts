import { z } from "zod";
import { usernameSchema } from "./auth";

export const gameStatusSchema = z.enum(["waiting", "active", "finished"]);
export type GameStatus = z.infer<typeof gameStatusSchema>;

export const gameResultSchema = z.enum(["player1_won", "player2_won", "draw"]);
export type GameResult = z.infer<typeof gameResultSchema>;

/**
 * `opponent_id` or `opponent_username` (not both) reserves the game for one user; without either
 * any user may join. An `opponent_id` must be in the directory too (404 `USER_NOT_FOUND`). A username is looked up in the game service's user directory (fed by auth's
 * `user.registered` events): an unknown one is a 404 `USER_NOT_FOUND`.
 */
export const createGameRequestSchema = z
  .strictObject({
    /** Any case; read in lower case (RFC 9562 §4), as ids are stored: an upper-case id was a 404 USER_NOT_FOUND. */
    opponent_id: z.uuid().toLowerCase().optional(),
    opponent_username: usernameSchema.optional(),
  })
  .refine((body) => body.opponent_id === undefined || body.opponent_username === undefined, {
    message: "give opponent_id or opponent_username, not both",
    path: ["opponent_username"],
  });
export type CreateGameRequest = z.infer<typeof createGameRequestSchema>;

export const gameSchema = z.object({
  id: z.uuid().toLowerCase(),
  kind: z.string(),
  status: gameStatusSchema,
  player1_id: z.uuid().toLowerCase(),
  player2_id: z.uuid().toLowerCase().nullable(),
  invited_user_id: z.uuid().toLowerCase().nullable(),
  /** From the user directory; null when the user is not (yet) known there. */
  player1_username: z.string().nullable(),
  player2_username: z.string().nullable(),
  invited_username: z.string().nullable(),
  version: z.number().int().nonnegative(),
  result: gameResultSchema.nullable(),
  /** `aborted`: a player never joined or left for good before both had moved; result null, unrated. */
  end_reason: z.enum(["win", "draw", "resignation", "forfeit", "aborted"]).nullable(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
export type Game = z.infer<typeof gameSchema>;

export const listGamesQuerySchema = z.strictObject({ status: gameStatusSchema.optional() });
export type ListGamesQuery = z.infer<typeof listGamesQuerySchema>;

/** `GET /api/v1/games`: the caller's games, newest first, at most 100. */
export const listGamesResponseSchema = z.object({ games: z.array(gameSchema) });
export type ListGamesResponse = z.infer<typeof listGamesResponseSchema>;

/** `POST /api/v1/games/matchmaking` takes no fields (an empty body or `{}`); anything else is a 422. */
export const findOpponentRequestSchema = z.strictObject({});
export type FindOpponentRequest = z.infer<typeof findOpponentRequestSchema>;

/** `POST /api/v1/games/matchmaking` (202): the caller waits in the queue at this rating. */
export const matchmakingQueuedSchema = z.object({
  status: z.literal("queued"),
  /** The caller's Glicko-2 rating, rounded (1500 before a first game). */
  rating: z.number().int(),
  queued_at: z.iso.datetime({ offset: true }),
});
export type MatchmakingQueued = z.infer<typeof matchmakingQueuedSchema>;

/** `GET /api/v1/games/matchmaking`: idle (not queued), queued, or matched with the game to join. */
export const matchmakingStatusSchema = z.object({
  status: z.enum(["idle", "queued", "matched"]),
  game_id: z.uuid().toLowerCase().optional(),
});
export type MatchmakingStatus = z.infer<typeof matchmakingStatusSchema>;

/** Leaderboard position: a page ends at its last row's exact rating and user id (the tie-breaker). */
export interface LeaderboardPosition {
  rating: number;
  userId: string;
}

const leaderboardPositionSchema = z.tuple([z.number().finite(), z.uuid().toLowerCase()]);

/** The opaque `next_cursor` of a leaderboard page (base64url); clients pass it back as `cursor`, unchanged. */
export function encodeLeaderboardCursor(position: LeaderboardPosition): string {
  return Buffer.from(JSON.stringify([position.rating, position.userId]), "utf8").toString("base64url");
}

const leaderboardCursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor this list gave out")
  .transform((value, ctx): LeaderboardPosition => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    } catch {
      decoded = undefined;
    }
    const parsed = leaderboardPositionSchema.safeParse(decoded);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this list gave out" });
      return z.NEVER;
    }
    return { rating: parsed.data[0], userId: parsed.data[1] };
  });

export const leaderboardQuerySchema = z.strictObject({
  /** Rows per page, 1-100; 20 when absent. */
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The `next_cursor` of the previous page, unchanged; absent for the first page. */
  cursor: leaderboardCursorSchema.optional(),
});
export type LeaderboardQuery = z.infer<typeof leaderboardQuerySchema>;

export const leaderboardEntrySchema = z.object({
  /** 1-based position by rating among players with at least one finished game. */
  rank: z.number().int().positive(),
  user_id: z.uuid().toLowerCase(),
  username: z.string().nullable(),
  /** Glicko-2 rating, rounded. */
  rating: z.number().int(),
  games: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntrySchema>;

/** `GET /api/v1/games/leaderboard`: rating descending, ties by user id. */
export const leaderboardPageSchema = z.object({
  data: z.array(leaderboardEntrySchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: z.string().nullable(),
});
export type LeaderboardPage = z.infer<typeof leaderboardPageSchema>;

/** `GET /api/v1/games/ratings/me`: the caller's rating and record (defaults before a first game). */
export const myRatingSchema = z.object({
  user_id: z.uuid().toLowerCase(),
  username: z.string().nullable(),
  /** Glicko-2 rating, rounded; 1500 before a first game. */
  rating: z.number().int(),
  /** Glicko-2 rating deviation, rounded; 350 before a first game. */
  rating_deviation: z.number().int(),
  games: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
  /** Position on the leaderboard; null before a first finished game. */
  rank: z.number().int().positive().nullable(),
});
export type MyRating = z.infer<typeof myRatingSchema>;
