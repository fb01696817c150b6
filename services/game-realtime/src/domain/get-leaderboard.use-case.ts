import { encodeLeaderboardCursor, type LeaderboardPage, type LeaderboardPosition } from "@tollgate/contracts";
import type { RatingReader } from "./rating-store.port";
import type { UserDirectory } from "./user-directory.port";

/** Players with at least one finished game, best rating first; keyset pages (no gaps or repeats while ratings change). */
export class GetLeaderboardUseCase {
  constructor(
    private readonly ratings: RatingReader,
    private readonly directory: UserDirectory,
  ) {}

  /** `limit` rows (1-100) after `after` (the previous page's cursor, decoded). */
  async execute(limit: number, after?: LeaderboardPosition): Promise<LeaderboardPage> {
    // One row more than asked tells whether there is a next page.
    const rows = await this.ratings.page(limit + 1, after);
    const page = rows.slice(0, limit);
    const names = await this.directory.usernames(page.map((row) => row.userId));
    const last = page.at(-1);
    return {
      data: page.map((row) => ({
        rank: row.rank,
        user_id: row.userId,
        username: names.get(row.userId) ?? null,
        rating: Math.round(row.rating),
        games: row.games,
        wins: row.wins,
        losses: row.losses,
        draws: row.draws,
      })),
      next_cursor: rows.length > limit && last ? encodeLeaderboardCursor({ rating: last.rating, userId: last.userId }) : null,
    };
  }
}
