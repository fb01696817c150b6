import { tokenStatusQuerySchema, validateTokenRequestSchema } from "@tollgate/contracts";
import { parseOrThrow, type JwtVerifier } from "@tollgate/service-kit";
import { Router } from "express";
import type { ValidateTokenUseCase } from "../domain/validate-token.use-case";
import { requireServiceCaller } from "./service-caller";

export const VALIDATE_SCOPE = "tokens:validate";

export function internalRouter(deps: { verifier: JwtVerifier; validate: ValidateTokenUseCase }): Router {
  const router = Router();
  router.use(requireServiceCaller(deps.verifier, VALIDATE_SCOPE));

  /**
   * @openapi
   * /internal/v1/tokens/validate:
   *   post:
   *     summary: Grant access for a token, activating it on first use (service token, scope tokens:validate)
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             oneOf:
   *               - { type: object, required: [token], properties: { token: { type: string } }, additionalProperties: false }
   *               - { type: object, required: [token_sha256], properties: { token_sha256: { type: string, pattern: "^[0-9a-f]{64}$" } }, additionalProperties: false }
   *     responses:
   *       200: { description: "{token_id, user_id, activated_at, expires_at}" }
   *       401: { description: "TOKEN_INVALID, TOKEN_EXPIRED or TOKEN_REVOKED (or no service token)", content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       403: { description: a user token, or a service token without the scope }
   */
  router.post("/validate", async (req, res) => {
    const body = parseOrThrow(validateTokenRequestSchema, req.body);
    res.json("token" in body ? await deps.validate.validate(body.token) : await deps.validate.validateHash(body.token_sha256));
  });

  /**
   * @openapi
   * /internal/v1/tokens/status:
   *   get:
   *     summary: Read-only status of a token (never activates)
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ in: query, name: token, required: true, schema: { type: string } }]
   *     responses:
   *       200: { description: "{token_id, user_id, status, activated_at, expires_at}" }
   *       401: { description: TOKEN_INVALID }
   */
  router.get("/status", async (req, res) => {
    const query = parseOrThrow(tokenStatusQuerySchema, req.query, "query");
    res.json(await deps.validate.status(query.token));
  });

  return router;
}
