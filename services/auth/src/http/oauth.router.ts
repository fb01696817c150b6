import { oauthAuthorizeQuerySchema, oauthCallbackQuerySchema, oauthProviderParamsSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { CompleteOAuthSignInUseCase } from "../domain/oauth/complete-oauth-sign-in.use-case";
import type { StartOAuthSignInUseCase } from "../domain/oauth/start-oauth-sign-in.use-case";
import { clientInfo } from "./client-info";

export interface OAuthRouterDeps {
  start: StartOAuthSignInUseCase;
  complete: CompleteOAuthSignInUseCase;
  requireUser: RequestHandler;
}

export function oauthRouter(deps: OAuthRouterDeps): Router {
  const router = Router();
  // Signed in: the flow links the provider to this account. Not signed in: a sign-in. A bad token is still a 401.
  const optionalUser: RequestHandler = (req, res, next) => (req.headers.authorization ? deps.requireUser(req, res, next) : next());

  /**
   * @openapi
   * /api/v1/auth/oauth/{provider}/authorize:
   *   get:
   *     summary: Start a sign-in (or, with a bearer token, a link) with an external provider; redirects to it
   *     description: Keeps a single-use state (10 minutes), a PKCE S256 verifier and an OpenID nonce; the provider sends the browser back to redirect_uri with code and state.
   *     tags: [oauth]
   *     security: [{}, { bearerAuth: [] }]
   *     parameters:
   *       - { in: path, name: provider, required: true, schema: { type: string, pattern: "^[a-z][a-z0-9-]{0,31}$" } }
   *       - { in: query, name: redirect_uri, required: true, schema: { type: string, format: uri }, description: "Must be on OAUTH_REDIRECT_URIS; a loopback entry matches any port" }
   *     responses:
   *       302: { description: "Location: the provider's authorization endpoint" }
   *       400: { description: REDIRECT_URI_NOT_ALLOWED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       401: { description: BEARER_TOKEN_INVALID, BEARER_TOKEN_EXPIRED or SESSION_REVOKED (a bearer token was sent and refused), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       404: { description: OAUTH_PROVIDER_NOT_FOUND, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       422: { description: VALIDATION_ERROR, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       503: { description: SERVICE_UNAVAILABLE or BREAKER_OPEN (provider discovery or Redis down) with Retry-After, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/api/v1/auth/oauth/:provider/authorize", optionalUser, async (req, res) => {
    const { provider } = parseOrThrow(oauthProviderParamsSchema, req.params, "path");
    const query = parseOrThrow(oauthAuthorizeQuerySchema, req.query, "query");
    const linkUserId = req.headers.authorization ? authenticatedUser(res).sub : null;
    const location = await deps.start.execute({ provider, redirectUri: query.redirect_uri, linkUserId });
    res.setHeader("Cache-Control", "no-store");
    res.redirect(302, location);
  });

  /**
   * @openapi
   * /api/v1/auth/oauth/{provider}/callback:
   *   get:
   *     summary: Finish a sign-in with the code and state the provider sent to redirect_uri; answers the usual token pair
   *     tags: [oauth]
   *     parameters:
   *       - { in: path, name: provider, required: true, schema: { type: string } }
   *       - { in: query, name: code, required: true, schema: { type: string } }
   *       - { in: query, name: state, required: true, schema: { type: string } }
   *     responses:
   *       200: { description: "Access token, refresh token, user, provider and outcome (existing_identity, linked_by_email, linked_to_account, created)" }
   *       400: { description: INVALID_OAUTH_STATE (unknown, expired, used) or OAUTH_CODE_REJECTED (the provider refused the code or PKCE verifier), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       401: { description: INVALID_ID_TOKEN, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       403: { description: ACCOUNT_DISABLED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       404: { description: OAUTH_PROVIDER_NOT_FOUND, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       409: { description: OAUTH_EMAIL_IN_USE (unverified e-mail of an existing account), IDENTITY_ALREADY_LINKED or DUPLICATE_EMAIL, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       422: { description: VALIDATION_ERROR or OAUTH_EMAIL_REQUIRED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       502: { description: OAUTH_PROVIDER_ERROR (the provider answered outside the protocol), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       503: { description: SERVICE_UNAVAILABLE or BREAKER_OPEN (provider or Redis down) with Retry-After, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/api/v1/auth/oauth/:provider/callback", async (req, res) => {
    const { provider } = parseOrThrow(oauthProviderParamsSchema, req.params, "path");
    const query = parseOrThrow(oauthCallbackQuerySchema, req.query, "query");
    res.setHeader("Cache-Control", "no-store");
    res.json(await deps.complete.execute(provider, query, clientInfo(req)));
  });

  return router;
}
