import { leaderboardQuerySchema } from "@tollgate/contracts";
import { parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { GameUseCases } from "../domain/game-use-cases";
import { principalOf } from "./authenticate.middleware";

/** Glicko-2 ratings: the leaderboard and the caller's own rating and record. */
export function ratingsRouter(deps: { games: GameUseCases; authenticate: RequestHandler }): Router {
  const router = Router();
  router.use(["/api/v1/games/leaderboard", "/api/v1/games/ratings"], deps.authenticate);

  /**
   * @openapi
   * /api/v1/games/leaderboard:
   *   get:
   *     operationId: leaderboard
   *     summary: "Players with at least one finished game, best rating first (ties by user id); keyset pages"
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/LeaderboardQuery.limit" }, { $ref: "#/components/parameters/LeaderboardQuery.cursor" }]
   *     responses:
   *       200: { description: One page, content: { application/json: { schema: { $ref: "#/components/schemas/LeaderboardPage" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       422: { VALIDATION_ERROR: "limit is not 1-100, or cursor is not one this list gave out" }
   */
  router.get("/api/v1/games/leaderboard", async (req, res) => {
    const query = parseOrThrow(leaderboardQuerySchema, req.query, "query");
    res.json(await deps.games.leaderboard.execute(query.limit, query.cursor));
  });

  /**
   * @openapi
   * /api/v1/games/ratings/me:
   *   get:
   *     operationId: myRating
   *     summary: "The caller's rating, rating deviation, record and rank (1500, 350 and no rank before a first finished game)"
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The caller's rating, content: { application/json: { schema: { $ref: "#/components/schemas/MyRating" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   */
  router.get("/api/v1/games/ratings/me", async (_req, res) => {
    res.json(await deps.games.myRating.execute(principalOf(res).userId));
  });

  return router;
}
