import { z } from "zod";
import { usernameSchema } from "./auth";

export const gameStatusSchema = z.enum(["waiting", "active", "finished"]);
export type GameStatus = z.infer<typeof gameStatusSchema>;

export const gameResultSchema = z.enum(["player1_won", "player2_won", "draw"]);
export type GameResult = z.infer<typeof gameResultSchema>;

export const createGameRequestSchema = z.strictObject({
  opponent_username: usernameSchema.optional(),
});
export type CreateGameRequest = z.infer<typeof createGameRequestSchema>;

export const gameSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: gameStatusSchema,
  player1_id: z.uuid(),
  player2_id: z.uuid().nullable(),
  invited_username: z.string().nullable(),
  version: z.number().int().nonnegative(),
  result: gameResultSchema.nullable(),
  end_reason: z.string().nullable(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
export type Game = z.infer<typeof gameSchema>;

export const listGamesQuerySchema = z.strictObject({ status: gameStatusSchema.optional() });
export type ListGamesQuery = z.infer<typeof listGamesQuerySchema>;
