import { findOpponentRequestSchema, type MatchmakingQueued, type MatchmakingStatus } from "@tollgate/contracts";
import { bodyOrEmpty, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { GameUseCases } from "../domain/game-use-cases";
import type { Matchmaker } from "../presence/matchmaker";
import { principalOf } from "./authenticate.middleware";

/** The REST twin of `game:find` / `game:find_cancel`, for clients without a socket open. */
export function matchmakingRouter(deps: { games: GameUseCases; matchmaker: Matchmaker; authenticate: RequestHandler }): Router {
  const router = Router();
  router.use("/api/v1/games/matchmaking", deps.authenticate);

  /**
   * @openapi
   * /api/v1/games/matchmaking:
   *   post:
   *     operationId: findOpponent
   *     summary: Wait for an opponent (matchmaking); poll GET for the game
   *     description: "The caller joins the queue every instance shares, at their rating; pairing prefers the closest rating and widens the accepted gap with waiting time. After MATCHMAKING_TIMEOUT_SECONDS (60) without an opponent the caller leaves the queue (GET answers idle). A socket's `game:find` does the same and is told at once."
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: false
   *       content: { application/json: { schema: { $ref: "#/components/schemas/FindOpponentRequest" } } }
   *     responses:
   *       202: { description: Queued, content: { application/json: { schema: { $ref: "#/components/schemas/MatchmakingQueued" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       409: { ALREADY_QUEUED: the caller is already waiting, ALREADY_IN_GAME: "the caller has an active game, or a waiting game they created" }
   *       422: { VALIDATION_ERROR: the body has fields (it takes none) }
   */
  router.post("/api/v1/games/matchmaking", async (req, res) => {
    parseOrThrow(findOpponentRequestSchema, bodyOrEmpty(req.body));
    const queued = await deps.games.findOpponent.execute(principalOf(res).userId);
    deps.matchmaker.kick();
    const body: MatchmakingQueued = { status: "queued", rating: queued.rating, queued_at: queued.queuedAt.toISOString() };
    res.status(202).json(body);
  });

  /**
   * @openapi
   * /api/v1/games/matchmaking:
   *   get:
   *     operationId: matchmakingStatus
   *     summary: "Whether the caller is idle, queued (also while a pairing that took them is making their game), or matched (with the game to join, for 5 minutes after the pairing)"
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The caller's matchmaking status, content: { application/json: { schema: { $ref: "#/components/schemas/MatchmakingStatus" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   */
  router.get("/api/v1/games/matchmaking", async (_req, res) => {
    const status = await deps.games.matchmakingStatus.execute(principalOf(res).userId);
    const body: MatchmakingStatus = status.status === "matched" ? { status: "matched", game_id: status.gameId } : { status: status.status };
    res.json(body);
  });

  /**
   * @openapi
   * /api/v1/games/matchmaking:
   *   delete:
   *     operationId: cancelFindOpponent
   *     summary: Leave the matchmaking queue (also when not queued)
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       204: { description: "The caller is not queued (their sockets get game:find_cancelled)" }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       409: { ALREADY_MATCHED: an opponent was found before the cancel; GET answers the game }
   */
  router.delete("/api/v1/games/matchmaking", async (_req, res) => {
    const userId = principalOf(res).userId;
    const outcome = await deps.games.cancelFind.execute(userId);
    if (outcome.status === "cancelled") await deps.matchmaker.cancelled(userId);
    else deps.matchmaker.forget(userId);
    res.status(204).end();
  });

  return router;
}
