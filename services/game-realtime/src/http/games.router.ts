import { createGameRequestSchema, listGamesQuerySchema, listGamesResponseSchema } from "@tollgate/contracts";
import { bodyOrEmpty, parseOrThrow, uuidPathParam } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import { GameNotFoundError } from "../domain/game.errors";
import type { GameUseCases } from "../domain/game-use-cases";
import type { UserDirectory } from "../domain/user-directory.port";
import type { DisconnectGrace } from "../presence/disconnect-grace";
import { principalOf } from "./authenticate.middleware";
import { presentGames } from "./game.presenter";

/** A malformed id cannot name a game: 404, like someone else's. */
const gameNotFound = () => new GameNotFoundError();

export function gamesRouter(deps: { games: GameUseCases; directory: UserDirectory; grace: Pick<DisconnectGrace, "gameStarted">; authenticate: RequestHandler }): Router {
  const router = Router();
  const present = async (game: Parameters<typeof presentGames>[1][number]) => (await presentGames(deps.directory, [game]))[0];
  router.use("/api/v1/games", deps.authenticate);

  /**
   * @openapi
   * /api/v1/games:
   *   post:
   *     operationId: createGame
   *     summary: Create a Connect Four game; open to any joiner unless an opponent is named (by id or username)
   *     description: "Both players then play over the WebSocket `/ws/game` (see the AsyncAPI document). `opponent_username` is looked up, case-insensitively, in the service's user directory (fed by auth's user.registered events)."
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: false
   *       content: { application/json: { schema: { $ref: "#/components/schemas/CreateGameRequest" } } }
   *     responses:
   *       201: { description: "The game, waiting for its second player", content: { application/json: { schema: { $ref: "#/components/schemas/Game" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       404: { USER_NOT_FOUND: no user has this username or id (the directory of users auth announced) }
   *       422: { SELF_INVITE: you cannot invite yourself, VALIDATION_ERROR: "opponent_id is not a UUID, or both opponent_id and opponent_username were given" }
   */
  router.post("/api/v1/games", async (req, res) => {
    const body = parseOrThrow(createGameRequestSchema, bodyOrEmpty(req.body));
    const game = await deps.games.create.execute(principalOf(res).userId, { opponentId: body.opponent_id, opponentUsername: body.opponent_username });
    res.status(201).json(await present(game));
  });

  /**
   * @openapi
   * /api/v1/games:
   *   get:
   *     operationId: listGames
   *     summary: "My games (created, joined or invited to), newest first, at most 100"
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/ListGamesQuery.status" }]
   *     responses:
   *       200: { description: The games, content: { application/json: { schema: { $ref: "#/components/schemas/GameList" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       422: { VALIDATION_ERROR: "status is not waiting, active or finished" }
   */
  router.get("/api/v1/games", async (req, res) => {
    const query = parseOrThrow(listGamesQuerySchema, req.query, "query");
    const games = await deps.games.list.execute(principalOf(res).userId, query.status);
    // Through the contract's schema, so the shape clients parse is the shape sent (the SDK once
    // expected a bare array here and every list() threw).
    res.json(listGamesResponseSchema.parse({ games: await presentGames(deps.directory, games) }));
  });

  /**
   * @openapi
   * /api/v1/games/{id}:
   *   get:
   *     operationId: getGame
   *     summary: One game; only its players and its invitee see it
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       200: { description: The game, content: { application/json: { schema: { $ref: "#/components/schemas/Game" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       404: { GAME_NOT_FOUND: "no such game, or not yours (a malformed id too)" }
   */
  router.get("/api/v1/games/:id", async (req, res) => {
    const id = uuidPathParam(req, "id", gameNotFound);
    res.json(await present(await deps.games.get.execute(principalOf(res).userId, id)));
  });

  /**
   * @openapi
   * /api/v1/games/{id}/join:
   *   post:
   *     operationId: joinGame
   *     summary: Take the second seat of a waiting game (idempotent for its players)
   *     tags: [games]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       200: { description: "The game, now active", content: { application/json: { schema: { $ref: "#/components/schemas/Game" } } } }
   *     x-errors:
   *       401: { USER_DISABLED: the account has been disabled }
   *       403: { NOT_INVITED: the game is reserved for another player }
   *       404: { GAME_NOT_FOUND: "no such game (a malformed id too)" }
   *       409: { GAME_NOT_JOINABLE: "the game already has two players or has finished, or its creator plays another game", OWN_GAME: you cannot join your own game as the opponent, ALREADY_IN_GAME: you play another active game }
   */
  router.post("/api/v1/games/:id/join", async (req, res) => {
    const id = uuidPathParam(req, "id", gameNotFound);
    const { game, tookSeat } = await deps.games.join.execute(principalOf(res).userId, id);
    // Whoever has no socket in the game now has the grace period to join it (else it is aborted).
    if (tookSeat) await deps.grace.gameStarted(game);
    res.json(await present(game));
  });

  return router;
}
