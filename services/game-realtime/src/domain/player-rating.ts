import { Glicko2 } from "glicko2";
import type { GameResult } from "@tollgate/contracts";

/** A player's Glicko-2 rating and record. */
export interface PlayerRating {
  userId: string;
  rating: number;
  ratingDeviation: number;
  volatility: number;
  games: number;
  wins: number;
  losses: number;
  draws: number;
}

/** A new player's rating, rating deviation and volatility (Glicko-2's recommended start). */
export const DEFAULT_RATING = { rating: 1500, ratingDeviation: 350, volatility: 0.06 } as const;

/** Glicko-2's system constant: how fast volatility may move (0.3-1.2 is reasonable; 0.5 is the common choice). */
const TAU = 0.5;

export const unratedPlayer = (userId: string): PlayerRating => ({ userId, ...DEFAULT_RATING, games: 0, wins: 0, losses: 0, draws: 0 });

/** Each player's rating change, rounded, as `game:over` carries it. */
export interface RatingChange {
  player1: number;
  player2: number;
}

/**
 * Both players' ratings after one game, each game its own rating period (Glicko-2 through the
 * `glicko2` library), with the records counted.
 */
export function rateGame(player1: PlayerRating, player2: PlayerRating, result: GameResult): [PlayerRating, PlayerRating] {
  const ranking = new Glicko2({ tau: TAU, rating: DEFAULT_RATING.rating, rd: DEFAULT_RATING.ratingDeviation, vol: DEFAULT_RATING.volatility });
  const one = ranking.makePlayer(player1.rating, player1.ratingDeviation, player1.volatility);
  const two = ranking.makePlayer(player2.rating, player2.ratingDeviation, player2.volatility);
  const score = result === "player1_won" ? 1 : result === "draw" ? 0.5 : 0;
  ranking.updateRatings([[one, two, score]]);
  const counted = (player: PlayerRating, won: boolean, lost: boolean) => ({
    games: player.games + 1,
    wins: player.wins + (won ? 1 : 0),
    losses: player.losses + (lost ? 1 : 0),
    draws: player.draws + (!won && !lost ? 1 : 0),
  });
  return [
    { userId: player1.userId, rating: one.getRating(), ratingDeviation: one.getRd(), volatility: one.getVol(), ...counted(player1, score === 1, score === 0) },
    { userId: player2.userId, rating: two.getRating(), ratingDeviation: two.getRd(), volatility: two.getVol(), ...counted(player2, score === 0, score === 1) },
  ];
}
