import { createGameRequestSchema, listGamesQuerySchema, listGamesResponseSchema } from "@tollgate/contracts";
import { parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import type { GameService } from "../domain/game.service";
import { principalOf } from "./authenticate.middleware";
import { toGameResponse } from "./game.presenter";

const gameIdParams = z.object({ id: z.uuid() });

/**
 * @openapi
 * components:
 *   schemas:
 *     Game:
 *       type: object
 *       required: [id, kind, status, player1_id, player2_id, invited_user_id, version, result, end_reason, created_at, updated_at]
 *       properties:
 *         id: { type: string, format: uuid }
 *         kind: { type: string, example: connect_four }
 *         status: { type: string, enum: [waiting, active, finished] }
 *         player1_id: { type: string, format: uuid }
 *         player2_id: { type: string, format: uuid, nullable: true }
 *         invited_user_id: { type: string, format: uuid, nullable: true }
 *         version: { type: integer }
 *         result: { type: string, enum: [player1_won, player2_won, draw], nullable: true }
 *         end_reason: { type: string, enum: [win, draw, resignation, forfeit], nullable: true }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 */
export function gamesRouter(deps: { games: GameService; authenticate: RequestHandler }): Router {
  const router = Router();
  router.use("/api/v1/games", deps.authenticate);

  /**
   * @openapi
   * /api/v1/games:
   *   post:
   *     summary: Create a Connect Four game; open to any joiner unless an opponent is named
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             properties:
   *               opponent_id: { type: string, format: uuid }
   *     responses:
   *       201: { description: created, content: { application/json: { schema: { $ref: '#/components/schemas/Game' } } } }
   *       401: { description: unauthenticated, content: { application/json: { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
   *       422: { description: invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
   */
  router.post("/api/v1/games", async (req, res) => {
    const body = parseOrThrow(createGameRequestSchema, req.body ?? {});
    const game = await deps.games.createGame(principalOf(res).userId, { opponentId: body.opponent_id });
    res.status(201).json(toGameResponse(game));
  });

  /**
   * @openapi
   * /api/v1/games:
   *   get:
   *     summary: My games (created, joined or invited to), newest first, at most 100
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { in: query, name: status, schema: { type: string, enum: [waiting, active, finished] } }
   *     responses:
   *       200: { description: games, content: { application/json: { schema: { type: object, required: [games], properties: { games: { type: array, items: { $ref: '#/components/schemas/Game' } } } } } } }
   */
  router.get("/api/v1/games", async (req, res) => {
    const query = parseOrThrow(listGamesQuerySchema, req.query, "query");
    const games = await deps.games.listGames(principalOf(res).userId, query.status);
    // Through the contract's schema, so the shape clients parse is the shape sent (the SDK once
    // expected a bare array here and every list() threw).
    res.json(listGamesResponseSchema.parse({ games: games.map(toGameResponse) }));
  });

  /**
   * @openapi
   * /api/v1/games/{id}:
   *   get:
   *     summary: One game; only its players and its invitee see it
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { in: path, name: id, required: true, schema: { type: string, format: uuid } }
   *     responses:
   *       200: { description: the game, content: { application/json: { schema: { $ref: '#/components/schemas/Game' } } } }
   *       404: { description: no such game, or not yours, content: { application/json: { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
   */
  router.get("/api/v1/games/:id", async (req, res) => {
    const { id } = parseOrThrow(gameIdParams, req.params, "path");
    res.json(toGameResponse(await deps.games.getGame(principalOf(res).userId, id)));
  });

  /**
   * @openapi
   * /api/v1/games/{id}/join:
   *   post:
   *     summary: Take the second seat of a waiting game (idempotent for its players)
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { in: path, name: id, required: true, schema: { type: string, format: uuid } }
   *     responses:
   *       200: { description: the game, now active, content: { application/json: { schema: { $ref: '#/components/schemas/Game' } } } }
   *       403: { description: reserved for another player, content: { application/json: { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
   *       404: { description: no such game, content: { application/json: { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
   *       409: { description: already full or finished, content: { application/json: { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
   */
  router.post("/api/v1/games/:id/join", async (req, res) => {
    const { id } = parseOrThrow(gameIdParams, req.params, "path");
    res.json(toGameResponse(await deps.games.joinGame(principalOf(res).userId, id)));
  });

  return router;
}
