import { Glicko2 } from "glicko2";
import { DEFAULT_RATING, rateGame, unratedPlayer, type PlayerRating } from "./player-rating";

const player = (userId: string, rating: number, ratingDeviation: number): PlayerRating => ({ ...unratedPlayer(userId), rating, ratingDeviation });

describe("Glicko-2 rating of one game", () => {
  it("when two new players finish with a win, then the numbers are the library's: 1662.31 / 1337.69, deviation 290.32, and the records count it", () => {
    const [winner, loser] = rateGame(unratedPlayer("a"), unratedPlayer("b"), "player1_won");
    const library = new Glicko2({ tau: 0.5, rating: 1500, rd: 350, vol: 0.06 });
    const [one, two] = [library.makePlayer(1500, 350, 0.06), library.makePlayer(1500, 350, 0.06)];
    library.updateRatings([[one, two, 1]]);
    expect(winner.rating).toBe(one.getRating());
    expect(loser.rating).toBe(two.getRating());
    expect(winner.ratingDeviation).toBe(one.getRd());
    expect(winner.volatility).toBe(one.getVol());
    expect(winner.rating).toBeCloseTo(1662.3109, 4);
    expect(loser.rating).toBeCloseTo(1337.6891, 4);
    expect(winner.ratingDeviation).toBeCloseTo(290.319, 3);
    expect([winner, loser].map(({ games, wins, losses, draws }) => ({ games, wins, losses, draws }))).toEqual([
      { games: 1, wins: 1, losses: 0, draws: 0 },
      { games: 1, wins: 0, losses: 1, draws: 0 },
    ]);
  });

  it("when a strong, well-known player draws a weaker, less certain one, then the stronger loses a little and the weaker gains more (1689.24 / 1439.46)", () => {
    const [strong, weak] = rateGame(player("a", 1700, 80), player("b", 1400, 150), "draw");
    expect(strong.rating).toBeCloseTo(1689.2351, 4);
    expect(weak.rating).toBeCloseTo(1439.4589, 4);
    expect(strong.ratingDeviation).toBeCloseTo(79.6768, 4);
    expect([strong.draws, weak.draws]).toEqual([1, 1]);
  });

  it("when player 2 wins, then player 2 gains what player 1 loses (equal ratings and deviations)", () => {
    const [one, two] = rateGame(unratedPlayer("a"), unratedPlayer("b"), "player2_won");
    expect(two.rating - DEFAULT_RATING.rating).toBeCloseTo(DEFAULT_RATING.rating - one.rating, 9);
    expect([one.losses, two.wins]).toEqual([1, 1]);
  });
});
