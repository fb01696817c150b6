import { verifyEmailRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { RequestEmailVerificationUseCase } from "../domain/request-email-verification.use-case";
import type { VerifyEmailUseCase } from "../domain/verify-email.use-case";
import { sendAccountPage, verifyEmailPage } from "./account-pages";
import { clientInfo } from "./client-info";

export interface EmailVerificationRouterDeps {
  requireUser: RequestHandler;
  requestEmailVerification: RequestEmailVerificationUseCase;
  verifyEmail: VerifyEmailUseCase;
}

export function emailVerificationRouter(deps: EmailVerificationRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/users/me/email/verification:
   *   post:
   *     operationId: requestEmailVerification
   *     summary: Send me another verification mail
   *     description: "One is sent at registration; this asks for another (only the newest link works). The mail goes out shortly after the answer. Limited per address and per IP (ACCOUNT_MAIL_*)."
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       202: { description: The mail is on its way }
   *     x-errors:
   *       404: { USER_NOT_FOUND: the user no longer exists }
   *       409: { EMAIL_ALREADY_VERIFIED: the address is verified already }
   *       429: { RATE_LIMITED: too many mails asked for this address or from this IP; see Retry-After }
   */
  router.post("/api/v1/users/me/email/verification", deps.requireUser, async (req, res) => {
    await deps.requestEmailVerification.execute(authenticatedUser(res), clientInfo(req));
    res.status(202).end();
  });

  /**
   * @openapi
   * /api/v1/auth/email/verify:
   *   post:
   *     operationId: verifyEmail
   *     summary: Verify my e-mail address with the token from the mail
   *     description: "The token works once. Access JWTs issued afterwards (log in, or refresh) carry email_verified: true."
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/VerifyEmailRequest" } } }
   *     responses:
   *       204: { description: The address is verified }
   *     x-errors:
   *       400: { INVALID_VERIFICATION_TOKEN: "the token is unknown, expired, already used, or for an address the account no longer has" }
   */
  router.post("/api/v1/auth/email/verify", async (req, res) => {
    const input = parseOrThrow(verifyEmailRequestSchema, req.body);
    await deps.verifyEmail.execute(input.token, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/auth/email/verify:
   *   get:
   *     operationId: verifyEmailPage
   *     summary: The page the verification link opens
   *     description: "An HTML page that reads the token from the link's fragment (#token=…) and, when the person presses its button, posts it here. Opening it verifies nothing."
   *     tags: [auth]
   *     security: []
   *     responses:
   *       200: { description: The page, content: { text/html: { schema: { type: string } } } }
   */
  router.get("/api/v1/auth/email/verify", (_req, res) => sendAccountPage(res, verifyEmailPage));

  return router;
}
