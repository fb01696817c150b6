import { forgotPasswordRequestSchema, resetPasswordRequestSchema } from "@tollgate/contracts";
import { parseOrThrow } from "@tollgate/service-kit";
import { Router } from "express";
import type { RequestPasswordResetUseCase } from "../domain/request-password-reset.use-case";
import type { ResetPasswordUseCase } from "../domain/reset-password.use-case";
import { resetPasswordPage, sendAccountPage } from "./account-pages";
import { clientInfo } from "./client-info";

export interface PasswordResetRouterDeps {
  requestPasswordReset: RequestPasswordResetUseCase;
  resetPassword: ResetPasswordUseCase;
}

export function passwordResetRouter(deps: PasswordResetRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/auth/password/forgot:
   *   post:
   *     operationId: forgotPassword
   *     summary: Mail me a link to reset my password
   *     description: "Answers 202 whether or not an account uses the address, in about the same time (no mail is sent during the request); if one does, its reset mail goes out shortly after. Limited per address and per IP (ACCOUNT_MAIL_*), for any address alike."
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/ForgotPasswordRequest" } } }
   *     responses:
   *       202: { description: "If an account uses the address, a reset mail is on its way" }
   *     x-errors:
   *       429: { RATE_LIMITED: too many requests for this address or from this IP; see Retry-After }
   */
  router.post("/api/v1/auth/password/forgot", async (req, res) => {
    const input = parseOrThrow(forgotPasswordRequestSchema, req.body);
    await deps.requestPasswordReset.execute(input.email, clientInfo(req));
    res.status(202).end();
  });

  /**
   * @openapi
   * /api/v1/auth/password/reset:
   *   post:
   *     operationId: resetPassword
   *     summary: Set a new password with the token from the reset mail
   *     description: "The token works once. The new password must pass the same policy as at registration (a refused one leaves the token usable). Every session of the account ends (session.revoked, reason password_reset), and the address counts as verified."
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/ResetPasswordRequest" } } }
   *     responses:
   *       204: { description: The password is changed and every session ended }
   *     x-errors:
   *       400: { INVALID_RESET_TOKEN: "the token is unknown, expired or already used" }
   *       422: { WEAK_PASSWORD: the new password is too easy to guess }
   */
  router.post("/api/v1/auth/password/reset", async (req, res) => {
    const input = parseOrThrow(resetPasswordRequestSchema, req.body);
    await deps.resetPassword.execute(input, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/auth/password/reset:
   *   get:
   *     operationId: resetPasswordPage
   *     summary: The page the reset link opens
   *     description: "An HTML page that reads the token from the link's fragment (#token=…), asks for the new password twice and posts both here."
   *     tags: [auth]
   *     security: []
   *     responses:
   *       200: { description: The page, content: { text/html: { schema: { type: string } } } }
   */
  router.get("/api/v1/auth/password/reset", (_req, res) => sendAccountPage(res, resetPasswordPage));

  return router;
}
