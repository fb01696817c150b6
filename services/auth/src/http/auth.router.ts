import { loginRequestSchema, refreshRequestSchema, registerRequestSchema, serviceTokenRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { IssueServiceTokenUseCase } from "../domain/issue-service-token.use-case";
import type { LoginUseCase } from "../domain/login.use-case";
import type { LogoutUseCase } from "../domain/logout.use-case";
import type { RefreshSessionUseCase } from "../domain/refresh-session.use-case";
import type { RegisterUseCase } from "../domain/register.use-case";
import { clientInfo } from "./client-info";

export interface AuthRouterDeps {
  register: RegisterUseCase;
  login: LoginUseCase;
  refresh: RefreshSessionUseCase;
  logout: LogoutUseCase;
  serviceToken: IssueServiceTokenUseCase;
  requireUser: RequestHandler;
}

export function authRouter(deps: AuthRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/auth/register:
   *   post:
   *     summary: Create an account
   *     tags: [auth]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [email, username, password]
   *             properties:
   *               email: { type: string, format: email }
   *               username: { type: string, pattern: "^[A-Za-z0-9_-]{3,32}$" }
   *               password: { type: string, minLength: 12, maxLength: 128 }
   *     responses:
   *       201: { description: The new user }
   *       409: { description: DUPLICATE_EMAIL or DUPLICATE_USERNAME, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       422: { description: VALIDATION_ERROR, WEAK_PASSWORD or RESERVED_USERNAME, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/auth/register", async (req, res) => {
    const input = parseOrThrow(registerRequestSchema, req.body);
    res.status(201).json(await deps.register.execute(input, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/auth/login:
   *   post:
   *     summary: Log in with e-mail or username
   *     tags: [auth]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [login, password]
   *             properties:
   *               login: { type: string }
   *               password: { type: string }
   *     responses:
   *       200: { description: Access token, refresh token and user }
   *       401: { description: INVALID_CREDENTIALS, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       429: { description: RATE_LIMITED with Retry-After, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/auth/login", async (req, res) => {
    const input = parseOrThrow(loginRequestSchema, req.body);
    res.json(await deps.login.execute(input, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/auth/refresh:
   *   post:
   *     summary: Rotate a refresh token (reuse of a rotated token revokes the session)
   *     tags: [auth]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { type: object, required: [refresh_token], properties: { refresh_token: { type: string } } }
   *     responses:
   *       200: { description: New access and refresh token }
   *       401: { description: INVALID_REFRESH_TOKEN or REFRESH_TOKEN_REUSED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/auth/refresh", async (req, res) => {
    const input = parseOrThrow(refreshRequestSchema, req.body);
    res.json(await deps.refresh.execute(input.refresh_token, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/auth/logout:
   *   post:
   *     summary: Revoke the current session
   *     tags: [auth]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       204: { description: Logged out }
   *       401: { description: UNAUTHENTICATED, BEARER_TOKEN_INVALID or BEARER_TOKEN_EXPIRED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/auth/logout", deps.requireUser, async (req, res) => {
    await deps.logout.execute(authenticatedUser(res), clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/auth/service-token:
   *   post:
   *     summary: Client-credentials grant for services
   *     tags: [auth]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { type: object, required: [client_id, client_secret], properties: { client_id: { type: string }, client_secret: { type: string } } }
   *     responses:
   *       200: { description: A service JWT with its scope }
   *       401: { description: INVALID_CLIENT, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/auth/service-token", async (req, res) => {
    const input = parseOrThrow(serviceTokenRequestSchema, req.body);
    res.json(await deps.serviceToken.execute(input));
  });

  return router;
}
