import { Router } from "express";
import type { TokenSigner } from "../domain/signing-keys";

export function jwksRouter(deps: { signer: TokenSigner }): Router {
  const router = Router();

  /**
   * @openapi
   * /.well-known/jwks.json:
   *   get:
   *     summary: Public keys that verify access and service tokens (current and recently retired)
   *     tags: [auth]
   *     responses:
   *       200: { description: "JWKS: { keys: [{ kty, kid, use, alg, n, e }] }" }
   */
  router.get("/.well-known/jwks.json", async (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=60");
    res.json(await deps.signer.jwks());
  });

  return router;
}
