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
   *     operationId: registerUser
   *     summary: Create an account
   *     description: The password must be 12-128 characters and not easily guessed. Log in afterwards to get tokens.
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/RegisterRequest" } } }
   *     responses:
   *       201: { description: The new user, content: { application/json: { schema: { $ref: "#/components/schemas/User" } } } }
   *     x-errors:
   *       409: { DUPLICATE_EMAIL: the e-mail address is already registered, DUPLICATE_USERNAME: the username is taken }
   *       422: { WEAK_PASSWORD: the password is too easy to guess, RESERVED_USERNAME: the username is reserved }
   *       429: { RATE_LIMITED: too many attempts from this address (the gateway's limit) }
   */
  router.post("/api/v1/auth/register", async (req, res) => {
    const input = parseOrThrow(registerRequestSchema, req.body);
    res.status(201).json(await deps.register.execute(input, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/auth/login:
   *   post:
   *     operationId: login
   *     summary: Log in with e-mail or username
   *     description: Answers a 15-minute access JWT and a refresh token (rotated on every use; reusing a rotated one revokes the session). For an account with two-factor sign-in on, a right password answers 200 with status MFA_REQUIRED and an mfa_token instead (no session yet), redeemed with a TOTP code or a recovery code at POST /api/v1/auth/login/mfa.
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/LoginRequest" } } }
   *     responses:
   *       200: { description: "The access token, the refresh token and the user; or the second-factor challenge", content: { application/json: { schema: { $ref: "#/components/schemas/LoginResponse" } } } }
   *     x-errors:
   *       401: { INVALID_CREDENTIALS: the login or the password is wrong }
   *       403: { ACCOUNT_DISABLED: the account is disabled }
   *       429: { RATE_LIMITED: "too many failed attempts for this account or address, or too many requests (the gateway's limit)" }
   */
  router.post("/api/v1/auth/login", async (req, res) => {
    const input = parseOrThrow(loginRequestSchema, req.body);
    res.json(await deps.login.execute(input, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/auth/refresh:
   *   post:
   *     operationId: refreshSession
   *     summary: Rotate a refresh token for a new token pair
   *     description: The old refresh token stops working. Presenting an already rotated token revokes the whole session (session.revoked).
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/RefreshRequest" } } }
   *     responses:
   *       200: { description: "A new access token and refresh token, and the user", content: { application/json: { schema: { $ref: "#/components/schemas/TokenPair" } } } }
   *     x-errors:
   *       401: { INVALID_REFRESH_TOKEN: "the refresh token is unknown or expired, or its session ended", REFRESH_TOKEN_REUSED: the token was already rotated; the session is now revoked }
   */
  router.post("/api/v1/auth/refresh", async (req, res) => {
    const input = parseOrThrow(refreshRequestSchema, req.body);
    res.json(await deps.refresh.execute(input.refresh_token, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/auth/logout:
   *   post:
   *     operationId: logout
   *     summary: Revoke the current session
   *     description: Emits session.revoked, which closes the session's game sockets; its access JWT is refused from then on.
   *     tags: [auth]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       204: { description: Logged out }
   */
  router.post("/api/v1/auth/logout", deps.requireUser, async (req, res) => {
    await deps.logout.execute(authenticatedUser(res), clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/auth/service-token:
   *   post:
   *     operationId: issueServiceToken
   *     summary: Client-credentials grant for services
   *     description: A service (the proxy, for one) trades its client id and secret for a short-lived JWT carrying its scopes.
   *     tags: [services]
   *     security: []
   *     x-internal: true
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/ServiceTokenRequest" } } }
   *     responses:
   *       200: { description: A service JWT and its scope, content: { application/json: { schema: { $ref: "#/components/schemas/ServiceTokenResponse" } } } }
   *     x-errors:
   *       401: { INVALID_CLIENT: unknown client or wrong secret }
   */
  router.post("/api/v1/auth/service-token", async (req, res) => {
    const input = parseOrThrow(serviceTokenRequestSchema, req.body);
    res.json(await deps.serviceToken.execute(input));
  });

  return router;
}
