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
   *     operationId: startOAuthSignIn
   *     summary: Start a sign-in (or, with a bearer token, a link) with an external provider; redirects to it
   *     description: Keeps a single-use state (10 minutes), a PKCE S256 verifier and an OpenID nonce; the provider sends the browser back to redirect_uri with code and state.
   *     tags: [oauth]
   *     security: [{}, { bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/OAuthProviderParams.provider"
   *       - $ref: "#/components/parameters/OAuthAuthorizeQuery.redirect_uri"
   *     responses:
   *       302:
   *         description: "To the provider's authorization endpoint"
   *         headers: { Location: { description: "The provider's authorization URL", schema: { type: string, format: uri } } }
   *     x-errors:
   *       400: { REDIRECT_URI_NOT_ALLOWED: "redirect_uri is not on OAUTH_REDIRECT_URIS (a loopback entry matches any port)" }
   *       404: { OAUTH_PROVIDER_NOT_FOUND: no provider of that name is configured }
   *       422: { VALIDATION_ERROR: the provider name or redirect_uri is malformed }
   *       503: { SERVICE_UNAVAILABLE: the provider's discovery document or Redis did not answer, BREAKER_OPEN: the provider failed repeatedly and is not tried for a while }
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
   *     operationId: completeOAuthSignIn
   *     summary: Finish a sign-in with the code and state the provider sent to redirect_uri
   *     description: Answers the usual token pair, plus how the account was found (existing_identity, linked_by_email, linked_to_account or created). An account with two-factor sign-in on gets an MFA_REQUIRED challenge instead (status, mfa_token), redeemed at POST /api/v1/auth/login/mfa.
   *     tags: [oauth]
   *     security: []
   *     parameters:
   *       - $ref: "#/components/parameters/OAuthProviderParams.provider"
   *       - $ref: "#/components/parameters/OAuthCallbackQuery.code"
   *       - $ref: "#/components/parameters/OAuthCallbackQuery.state"
   *     responses:
   *       200: { description: "Signed in, or (two-factor accounts) the challenge for the second step", content: { application/json: { schema: { $ref: "#/components/schemas/OAuthSignInResponse" } } } }
   *     x-errors:
   *       400: { INVALID_OAUTH_STATE: "the state is unknown, expired or already used", OAUTH_CODE_REJECTED: the provider refused the code or the PKCE verifier }
   *       401: { INVALID_ID_TOKEN: "the provider's ID token could not be verified" }
   *       403: { ACCOUNT_DISABLED: the account is disabled }
   *       404: { OAUTH_PROVIDER_NOT_FOUND: no provider of that name is configured }
   *       409: { OAUTH_EMAIL_IN_USE: an account has this e-mail and the provider does not vouch for it, IDENTITY_ALREADY_LINKED: the provider account is linked to another user, DUPLICATE_EMAIL: the e-mail address is already registered }
   *       422: { VALIDATION_ERROR: code or state is missing or malformed, OAUTH_EMAIL_REQUIRED: the provider shared no e-mail address }
   *       502: { OAUTH_PROVIDER_ERROR: the provider answered outside the protocol }
   *       503: { SERVICE_UNAVAILABLE: the provider or Redis did not answer, BREAKER_OPEN: the provider failed repeatedly and is not tried for a while }
   */
  router.get("/api/v1/auth/oauth/:provider/callback", async (req, res) => {
    const { provider } = parseOrThrow(oauthProviderParamsSchema, req.params, "path");
    const query = parseOrThrow(oauthCallbackQuerySchema, req.query, "query");
    res.setHeader("Cache-Control", "no-store");
    res.json(await deps.complete.execute(provider, query, clientInfo(req)));
  });

  return router;
}
