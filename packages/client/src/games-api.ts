import {
  gameSchema,
  leaderboardPageSchema,
  listGamesResponseSchema,
  matchmakingQueuedSchema,
  matchmakingStatusSchema,
  myRatingSchema,
  type Game,
  type GameStatus,
  type LeaderboardPage,
  type MatchmakingQueued,
  type MatchmakingStatus,
  type MyRating,
} from "@tollgate/contracts";
import type { GameSocket, GameSocketOptions } from "./game-socket";

/** How the SDK sends one request: the client's own, with its session and error handling. */
export type GamesCall = (method: "GET" | "POST" | "DELETE", path: string, options: { body?: unknown }) => Promise<unknown>;

/** Whom a new game is for: anyone who joins first, one user by id, or one user by username. */
export type Opponent = string | { id: string } | { username: string } | undefined;

const gamePath = (id: string) => `/api/v1/games/${encodeURIComponent(id)}`;

/**
 * Games over REST, and the live game socket. Every method rejects with `TollgateError` (status and
 * `code` as the game service answered, e.g. 404 `GAME_NOT_FOUND`) or a NETWORK_ERROR.
 */
export class GamesApi {
  constructor(
    private readonly call: GamesCall,
    private readonly openSocket: (options: Partial<GameSocketOptions>) => GameSocket,
  ) {}

  /**
   * A game open to whoever joins first, or reserved for one user: a user id (a string, or
   * `{ id }`) or a username (`{ username }`, case-insensitive). Rejects 404 `USER_NOT_FOUND` for a
   * username nobody has, 422 for yourself.
   */
  async create(opponent?: Opponent): Promise<Game> {
    const body = opponent === undefined ? {} : typeof opponent === "string" ? { opponent_id: opponent } : "id" in opponent ? { opponent_id: opponent.id } : { opponent_username: opponent.username };
    return gameSchema.parse(await this.call("POST", "/api/v1/games", { body }));
  }

  async join(id: string): Promise<Game> {
    return gameSchema.parse(await this.call("POST", `${gamePath(id)}/join`, { body: {} }));
  }

  async get(id: string): Promise<Game> {
    return gameSchema.parse(await this.call("GET", gamePath(id), {}));
  }

  /** My games (created, joined or invited to), newest first, at most 100. */
  async list(status?: GameStatus): Promise<Game[]> {
    return listGamesResponseSchema.parse(await this.call("GET", `/api/v1/games${status ? `?status=${status}` : ""}`, {})).games;
  }

  /** A live game connection: heartbeat, reconnect and rejoin are handled for you; `find()` queues for a match. */
  socket(options: Partial<GameSocketOptions> = {}): GameSocket {
    return this.openSocket(options);
  }

  /**
   * Matchmaking over REST (the socket's `game:find` is the live way): `queue()` → 202
   * `{ status: "queued", rating, queued_at }` (409 `already_queued` / `already_in_game`);
   * `status()` → `{ status: "idle" | "queued" | "matched", game_id? }`; `cancel()` leaves the queue.
   */
  readonly matchmaking = {
    queue: async (): Promise<MatchmakingQueued> => matchmakingQueuedSchema.parse(await this.call("POST", "/api/v1/games/matchmaking", { body: {} })),
    status: async (): Promise<MatchmakingStatus> => matchmakingStatusSchema.parse(await this.call("GET", "/api/v1/games/matchmaking", {})),
    cancel: async (): Promise<void> => {
      await this.call("DELETE", "/api/v1/games/matchmaking", {});
    },
  };

  /**
   * One page of the leaderboard (players with at least one finished game, rating descending):
   * `limit` entries (the service's default and maximum apply), from `cursor` (the previous page's
   * `next_cursor`). Rejects 422 for a bad limit or cursor.
   */
  async leaderboard(page: { limit?: number; cursor?: string } = {}): Promise<LeaderboardPage> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set("limit", String(page.limit));
    if (page.cursor !== undefined) query.set("cursor", page.cursor);
    const suffix = query.size > 0 ? `?${query.toString()}` : "";
    return leaderboardPageSchema.parse(await this.call("GET", `/api/v1/games/leaderboard${suffix}`, {}));
  }

  /** My rating (Glicko-2: rating and deviation), record and rank (null before my first finished game). */
  async myRating(): Promise<MyRating> {
    return myRatingSchema.parse(await this.call("GET", "/api/v1/games/ratings/me", {}));
  }
}
