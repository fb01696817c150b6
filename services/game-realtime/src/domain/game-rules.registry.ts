import { connectFourRules } from "./connect-four.rules";
import type { AnyGameRules, GameRulesFactory } from "./game-rules";

/** The games this service referees. Adding a game is adding its rules here. */
export function createGameRulesFactory(games: AnyGameRules[] = [connectFourRules]): GameRulesFactory {
  const byKind = new Map(games.map((rules) => [rules.kind, rules]));
  return (kind) => byKind.get(kind);
}

export const DEFAULT_GAME_KIND = connectFourRules.kind;
