import type { MyRating } from "@tollgate/contracts";
import { unratedPlayer } from "./player-rating";
import type { RatingReader } from "./rating-store.port";
import type { UserDirectory } from "./user-directory.port";

/** A player's own rating and record: the defaults (1500, 350, no rank) before a first finished game. */
export class GetMyRatingUseCase {
  constructor(
    private readonly ratings: RatingReader,
    private readonly directory: UserDirectory,
  ) {}

  async execute(userId: string): Promise<MyRating> {
    const rating = (await this.ratings.find(userId)) ?? unratedPlayer(userId);
    const names = await this.directory.usernames([userId]);
    return {
      user_id: userId,
      username: names.get(userId) ?? null,
      rating: Math.round(rating.rating),
      rating_deviation: Math.round(rating.ratingDeviation),
      games: rating.games,
      wins: rating.wins,
      losses: rating.losses,
      draws: rating.draws,
      rank: rating.games > 0 ? await this.ratings.rankOf(rating) : null,
    };
  }
}
