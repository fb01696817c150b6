import { LEADERBOARD_HEADER, leaderboardRow, myRatingLine } from "./leaderboard.command";

const USER_ID = "0b7a5a4e-9d5c-4b8e-8d0f-3c2b1a0f9e88";

describe("the leaderboard in the terminal", () => {
  it("when a page is printed, then each row lines up under the header with rank, name, rounded rating and record", () => {
    const row = leaderboardRow({ rank: 1, user_id: USER_ID, username: "ada", rating: 1612, games: 12, wins: 9, losses: 2, draws: 1 });
    expect(LEADERBOARD_HEADER).toBe("rank  player                rating  games    won   lost  drawn");
    expect(row).toBe("   1  ada                     1612     12      9      2      1");
    expect(row).toHaveLength(LEADERBOARD_HEADER.length);
  });

  it("when a player has no username in the directory, then the row shows the start of their id", () => {
    expect(leaderboardRow({ rank: 7, user_id: USER_ID, username: null, rating: 1500, games: 1, wins: 0, losses: 0, draws: 1 })).toContain("(0b7a5a4e)");
  });

  it("when the player has finished exactly one game, then the record says '1 game' (not '1 games'); 0 and 2 stay plural", () => {
    const me = { user_id: USER_ID, username: "ada", rating: 1662, rating_deviation: 290, games: 1, wins: 1, losses: 0, draws: 0, rank: 1 };
    expect(myRatingLine(me)).toBe("you (ada): rating 1662 ± 290, rank 1; 1 game: 1 won, 0 lost, 0 drawn");
    expect(myRatingLine({ ...me, games: 2, wins: 1, losses: 1 })).toContain("; 2 games: 1 won, 1 lost, 0 drawn");
  });

  it("when the player's own rating is printed, then it says rating ± deviation, rank (or why there is none) and record", () => {
    const me = { user_id: USER_ID, username: "ada", rating: 1612.4, rating_deviation: 81.7, games: 12, wins: 9, losses: 2, draws: 1, rank: 1 };
    expect(myRatingLine(me)).toBe("you (ada): rating 1612 ± 82, rank 1; 12 games: 9 won, 2 lost, 1 drawn");
    expect(myRatingLine({ ...me, rating: 1500, rating_deviation: 350, games: 0, wins: 0, losses: 0, draws: 0, rank: null })).toBe(
      "you (ada): rating 1500 ± 350, not ranked until your first finished game; 0 games: 0 won, 0 lost, 0 drawn",
    );
  });
});
