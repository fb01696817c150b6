import { z } from "zod";

export const gameStatusSchema = z.enum(["waiting", "active", "finished"]);
export type GameStatus = z.infer<typeof gameStatusSchema>;

export const gameResultSchema = z.enum(["player1_won", "player2_won", "draw"]);
export type GameResult = z.infer<typeof gameResultSchema>;

/**
 * `opponent_id` reserves the game for one user; without it any user may join. Users are named by
 * id, not username: access tokens carry no username and the game service keeps no user directory.
 */
export const createGameRequestSchema = z.strictObject({
  opponent_id: z.uuid().optional(),
});
export type CreateGameRequest = z.infer<typeof createGameRequestSchema>;

export const gameSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: gameStatusSchema,
  player1_id: z.uuid(),
  player2_id: z.uuid().nullable(),
  invited_user_id: z.uuid().nullable(),
  version: z.number().int().nonnegative(),
  result: gameResultSchema.nullable(),
  end_reason: z.enum(["win", "draw", "resignation", "forfeit"]).nullable(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
export type Game = z.infer<typeof gameSchema>;

export const listGamesQuerySchema = z.strictObject({ status: gameStatusSchema.optional() });
export type ListGamesQuery = z.infer<typeof listGamesQuerySchema>;

/** `GET /api/v1/games`: the caller's games, newest first, at most 100. */
export const listGamesResponseSchema = z.object({ games: z.array(gameSchema) });
export type ListGamesResponse = z.infer<typeof listGamesResponseSchema>;
