/** The parts of the `glicko2` package (plain JavaScript, no declarations of its own) the service uses. */
declare module "glicko2" {
  export interface Glicko2Settings {
    /** System constant constraining volatility change; 0.3-1.2. */
    tau: number;
    /** Rating, rating deviation and volatility of a new player. */
    rating: number;
    rd: number;
    vol: number;
  }

  export interface Glicko2Player {
    getRating(): number;
    getRd(): number;
    getVol(): number;
  }

  /** One result: first player, second player, the first player's score (1 win, 0.5 draw, 0 loss). */
  export type Glicko2Match = [Glicko2Player, Glicko2Player, number];

  export class Glicko2 {
    constructor(settings: Glicko2Settings);
    makePlayer(rating?: number, rd?: number, vol?: number): Glicko2Player;
    /** Rates every player of the matches as one rating period. */
    updateRatings(matches: Glicko2Match[]): void;
  }
}
