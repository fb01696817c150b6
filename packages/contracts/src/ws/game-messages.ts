import { z } from "zod";
import { errorCodes } from "../error-codes";
import { gameResultSchema, gameStatusSchema } from "../rest/games";

/** Any case, read in lower case (RFC 9562 §4) as ids are stored and compared: an upper-case id was GAME_NOT_FOUND. */
const gameId = z.uuid().toLowerCase();

/** Messages a game client sends over `/ws/game`. */
export const clientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(4096) }),
  z.strictObject({ type: z.literal("game:join"), game_id: gameId }),
  z.strictObject({
    type: z.literal("game:action"),
    game_id: gameId,
    seq: z.number().int().nonnegative(),
    action: z.unknown(),
  }),
  z.strictObject({ type: z.literal("game:resign"), game_id: gameId }),
  z.strictObject({ type: z.literal("game:heartbeat") }),
  z.strictObject({ type: z.literal("game:find") }),
  z.strictObject({ type: z.literal("game:find_cancel") }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/**
 * Why a socket was not authenticated (codes of the catalogue, as HTTP answers them). All but one
 * mean the token is refused (close 4401 with the code as reason: log in or refresh);
 * `SERVICE_UNAVAILABLE` means it could not be checked (a dependency is down: close 1013, connect
 * again after `retry_after` seconds with the same token).
 */
export const wsAuthErrorCodes = [
  errorCodes.BEARER_TOKEN_INVALID,
  errorCodes.BEARER_TOKEN_EXPIRED,
  errorCodes.SESSION_REVOKED,
  errorCodes.AUTH_TIMEOUT,
  errorCodes.USER_DISABLED,
  errorCodes.SERVICE_UNAVAILABLE,
] as const;
export type WsAuthErrorCode = (typeof wsAuthErrorCodes)[number];

/** The `code` of `auth_error` and `error` when a dependency of the service is down: nothing was refused, try again. */
export const WS_SERVICE_UNAVAILABLE = errorCodes.SERVICE_UNAVAILABLE;

/** Seconds to wait before trying again, as HTTP's Retry-After; sent with `SERVICE_UNAVAILABLE`. */
const retryAfter = z.number().int().positive().optional();

/** Messages the server sends. */
export const serverMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth_ok"), user_id: z.uuid().toLowerCase() }),
  z.object({ type: z.literal("auth_error"), code: z.enum(wsAuthErrorCodes), message: z.string(), retry_after: retryAfter }),
  z.object({
    type: z.literal("game:state"),
    game_id: gameId,
    version: z.number().int().nonnegative(),
    status: gameStatusSchema,
    state: z.unknown(),
    your_turn: z.boolean(),
  }),
  z.object({ type: z.literal("game:event"), game_id: gameId, event: z.string(), data: z.unknown().optional() }),
  z.object({ type: z.literal("game:opponent_disconnected"), game_id: gameId, grace_until: z.iso.datetime({ offset: true }) }),
  z.object({ type: z.literal("game:opponent_reconnected"), game_id: gameId }),
  z.object({
    type: z.literal("game:over"),
    game_id: gameId,
    /** null when the game was aborted (reason `aborted`: a player never joined or left before both had moved; unrated). */
    result: gameResultSchema.nullable(),
    reason: z.string(),
    /** Each player's rating change from this game (Glicko-2, rounded); sent with the game's end. */
    rating_change: z.object({ player1: z.number().int(), player2: z.number().int() }).optional(),
  }),
  z.object({ type: z.literal("game:queued"), rating: z.number().int(), queued_at: z.iso.datetime({ offset: true }) }),
  z.object({
    type: z.literal("game:matched"),
    game_id: gameId,
    opponent: z.object({ user_id: z.uuid().toLowerCase(), username: z.string().nullable(), rating: z.number().int() }),
    you_are: z.enum(["player1", "player2"]),
  }),
  z.object({ type: z.literal("game:find_cancelled") }),
  z.object({ type: z.literal("game:no_opponent"), waited_seconds: z.number().int().nonnegative() }),
  z.object({ type: z.literal("game:heartbeat_ack") }),
  /** `code`: one of `errorCodes` (a string, so a client still reads a code newer than its build). */
  z.object({ type: z.literal("error"), code: z.string(), message: z.string(), ref: z.string().optional(), retry_after: retryAfter }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** A Connect Four move: the column (0-6) to drop a disc into. */
export const connectFourActionSchema = z.strictObject({ column: z.number().int().min(0).max(6) });
export type ConnectFourAction = z.infer<typeof connectFourActionSchema>;
