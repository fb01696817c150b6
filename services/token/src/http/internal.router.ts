import { tokenStatusQuerySchema, validateTokenRequestSchema } from "@tollgate/contracts";
import { parseOrThrow, requireServiceCaller, type JwtVerifier } from "@tollgate/service-kit";
import { Router } from "express";
import type { ValidateTokenUseCase } from "../domain/validate-token.use-case";

export const VALIDATE_SCOPE = "tokens:validate";

export function internalRouter(deps: { verifier: JwtVerifier; validate: ValidateTokenUseCase }): Router {
  const router = Router();
  router.use(requireServiceCaller(deps.verifier, VALIDATE_SCOPE));

  /**
   * @openapi
   * /internal/v1/tokens/validate:
   *   post:
   *     operationId: validateToken
   *     summary: Grant access for a token, activating it on first use
   *     description: "For the proxy: a service token with scope tokens:validate. Send the plaintext token, or its SHA-256 for an app session that holds no plaintext. The first validation starts the token's clock and emits token.activated."
   *     tags: [tokens]
   *     security: [{ serviceAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/ValidateTokenRequest" } } }
   *     responses:
   *       200: { description: The grant, content: { application/json: { schema: { $ref: "#/components/schemas/ValidateTokenResponse" } } } }
   *     x-errors:
   *       401: { TOKEN_INVALID: no such token, TOKEN_EXPIRED: the token's time is up, TOKEN_REVOKED: the token was revoked }
   *       403: { FORBIDDEN: "a user's token, not a service's" }
   */
  router.post("/validate", async (req, res) => {
    const body = parseOrThrow(validateTokenRequestSchema, req.body);
    res.json("token" in body ? await deps.validate.validate(body.token) : await deps.validate.validateHash(body.token_sha256));
  });

  /**
   * @openapi
   * /internal/v1/tokens/status:
   *   get:
   *     operationId: getTokenStatus
   *     summary: Read-only status of a token (never activates it)
   *     tags: [tokens]
   *     security: [{ serviceAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/TokenStatusQuery.token" }]
   *     responses:
   *       200: { description: The token's status, content: { application/json: { schema: { $ref: "#/components/schemas/TokenStatusResponse" } } } }
   *     x-errors:
   *       401: { TOKEN_INVALID: no such token }
   *       403: { FORBIDDEN: "a user's token, not a service's" }
   *       422: { VALIDATION_ERROR: the token parameter is missing }
   */
  router.get("/status", async (req, res) => {
    const query = parseOrThrow(tokenStatusQuerySchema, req.query, "query");
    res.json(await deps.validate.status(query.token));
  });

  return router;
}
