import { Router } from "express";
import type { TokenSigner } from "../domain/signing-keys";

export function jwksRouter(deps: { signer: TokenSigner }): Router {
  const router = Router();

  /**
   * @openapi
   * /.well-known/jwks.json:
   *   get:
   *     operationId: getJwks
   *     summary: Public keys that verify access and service tokens (current and recently retired)
   *     description: Cache for up to 60 s; a token whose kid is missing here calls for a refetch.
   *     tags: [keys]
   *     security: []
   *     responses:
   *       200: { description: A JWK Set (RFC 7517), content: { application/json: { schema: { $ref: "#/components/schemas/Jwks" } } } }
   */
  router.get("/.well-known/jwks.json", async (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=60");
    res.json(await deps.signer.jwks());
  });

  return router;
}
