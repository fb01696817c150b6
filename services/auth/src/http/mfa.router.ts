import { mfaCodeRequestSchema, mfaLoginRequestSchema, totpConfirmRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler, type Response } from "express";
import type { CompleteMfaLoginUseCase } from "../domain/mfa/complete-mfa-login.use-case";
import type { ConfirmTotpUseCase } from "../domain/mfa/confirm-totp.use-case";
import type { DisableMfaUseCase } from "../domain/mfa/disable-mfa.use-case";
import type { EnrolTotpUseCase } from "../domain/mfa/enrol-totp.use-case";
import type { GetMfaStatusUseCase } from "../domain/mfa/get-mfa-status.use-case";
import type { RegenerateRecoveryCodesUseCase } from "../domain/mfa/regenerate-recovery-codes.use-case";
import { clientInfo } from "./client-info";

export interface MfaRouterDeps {
  requireUser: RequestHandler;
  status: GetMfaStatusUseCase;
  enrol: EnrolTotpUseCase;
  confirm: ConfirmTotpUseCase;
  disable: DisableMfaUseCase;
  regenerateRecoveryCodes: RegenerateRecoveryCodesUseCase;
  completeLogin: CompleteMfaLoginUseCase;
}

/** Answers that carry a secret shown once (a TOTP secret, recovery codes, tokens) are never cached (RFC 9111 §5.2.2.5). */
const noStore = (res: Response): Response => res.setHeader("Cache-Control", "no-store");

/** Two-factor sign-in: the second login step, and the user's own authenticator and recovery codes. */
export function mfaRouter(deps: MfaRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/auth/login/mfa:
   *   post:
   *     operationId: completeMfaLogin
   *     summary: Second step of a two-factor login - redeem the challenge with a TOTP code or a recovery code
   *     description: "The mfa_token comes from a login (or sign-in callback) that answered status MFA_REQUIRED; it lasts MFA_CHALLENGE_TTL_SECONDS (300) and allows 5 attempts. Each wrong code also counts against the account's and the address's failed-login budgets, like a wrong password. A TOTP code is accepted once (RFC 6238), a recovery code once. Answers the same token pair as a login."
   *     tags: [auth]
   *     security: []
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/MfaLoginRequest" } } }
   *     responses:
   *       200: { description: "The access token, the refresh token and the user", content: { application/json: { schema: { $ref: "#/components/schemas/TokenPair" } } } }
   *     x-errors:
   *       401: { MFA_CHALLENGE_INVALID: "the mfa_token is unknown, expired, already redeemed or out of attempts: log in again", INVALID_MFA_CODE: "the code is wrong, outside its time window, or already used", INVALID_CREDENTIALS: the password changed since the first step }
   *       403: { ACCOUNT_DISABLED: the account is disabled }
   *       409: { MFA_ATTEMPT_IN_PROGRESS: "another attempt with this mfa_token is being checked; send the code again once it is answered" }
   *       429: { RATE_LIMITED: "too many failed attempts for this account or address" }
   */
  router.post("/api/v1/auth/login/mfa", async (req, res) => {
    const input = parseOrThrow(mfaLoginRequestSchema, req.body);
    noStore(res).json(await deps.completeLogin.execute(input, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/users/me/mfa:
   *   get:
   *     operationId: getMfaStatus
   *     summary: Whether two-factor sign-in is on, and how many recovery codes are left
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: "totp disabled, pending (enrolled, not confirmed) or enabled", content: { application/json: { schema: { $ref: "#/components/schemas/MfaStatus" } } } }
   */
  router.get("/api/v1/users/me/mfa", deps.requireUser, async (_req, res) => {
    res.json(await deps.status.execute(authenticatedUser(res).sub));
  });

  /**
   * @openapi
   * /api/v1/users/me/mfa/totp:
   *   post:
   *     operationId: enrolTotp
   *     summary: Start TOTP enrolment - a new secret and its otpauth URI, pending until confirmed
   *     description: "Show otpauth_uri as a QR code (or the base32 secret for typing in) to an authenticator app, then confirm with its first code. Calling it again before confirming replaces the secret. The secret is stored sealed."
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       201: { description: The secret and its key URI, content: { application/json: { schema: { $ref: "#/components/schemas/TotpEnrolment" } } } }
   *     x-errors:
   *       404: { USER_NOT_FOUND: the user no longer exists }
   *       409: { MFA_ALREADY_ENABLED: two-factor sign-in is already on; disable it first }
   */
  router.post("/api/v1/users/me/mfa/totp", deps.requireUser, async (req, res) => {
    noStore(res)
      .status(201)
      .json(await deps.enrol.execute(authenticatedUser(res).sub, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/users/me/mfa/totp/confirm:
   *   post:
   *     operationId: confirmTotp
   *     summary: Confirm TOTP enrolment with a code from the app; turns two-factor sign-in on
   *     description: Answers ten single-use recovery codes, shown this once (only their hashes are kept). From now on every login asks for a code.
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/TotpConfirmRequest" } } }
   *     responses:
   *       200: { description: The recovery codes, content: { application/json: { schema: { $ref: "#/components/schemas/RecoveryCodes" } } } }
   *     x-errors:
   *       401: { INVALID_MFA_CODE: "the code does not match the new secret at this time" }
   *       409: { MFA_ENROLMENT_NOT_STARTED: no authenticator is waiting for confirmation, MFA_ALREADY_ENABLED: two-factor sign-in is already on }
   */
  router.post("/api/v1/users/me/mfa/totp/confirm", deps.requireUser, async (req, res) => {
    const input = parseOrThrow(totpConfirmRequestSchema, req.body);
    noStore(res).json(await deps.confirm.execute(authenticatedUser(res).sub, input.totp_code, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/users/me/mfa/disable:
   *   post:
   *     operationId: disableMfa
   *     summary: Turn two-factor sign-in off (needs a fresh TOTP code or an unused recovery code)
   *     description: Removes the authenticator and every recovery code. Wrong codes count against the failed-login budgets.
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/MfaCodeRequest" } } }
   *     responses:
   *       204: { description: Two-factor sign-in is off }
   *     x-errors:
   *       401: { INVALID_MFA_CODE: "the code is wrong, outside its time window, or already used" }
   *       409: { MFA_NOT_ENABLED: two-factor sign-in is not on }
   *       429: { RATE_LIMITED: "too many failed attempts for this account or address" }
   */
  router.post("/api/v1/users/me/mfa/disable", deps.requireUser, async (req, res) => {
    const input = parseOrThrow(mfaCodeRequestSchema, req.body);
    await deps.disable.execute(authenticatedUser(res).sub, input, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/users/me/mfa/recovery-codes:
   *   post:
   *     operationId: regenerateRecoveryCodes
   *     summary: Replace the recovery codes (needs a fresh TOTP code or an unused recovery code)
   *     description: Every earlier recovery code stops working; the ten new ones are shown this once.
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/MfaCodeRequest" } } }
   *     responses:
   *       200: { description: The new recovery codes, content: { application/json: { schema: { $ref: "#/components/schemas/RecoveryCodes" } } } }
   *     x-errors:
   *       401: { INVALID_MFA_CODE: "the code is wrong, outside its time window, or already used" }
   *       409: { MFA_NOT_ENABLED: two-factor sign-in is not on }
   *       429: { RATE_LIMITED: "too many failed attempts for this account or address" }
   */
  router.post("/api/v1/users/me/mfa/recovery-codes", deps.requireUser, async (req, res) => {
    const input = parseOrThrow(mfaCodeRequestSchema, req.body);
    noStore(res).json(await deps.regenerateRecoveryCodes.execute(authenticatedUser(res).sub, input, clientInfo(req)));
  });

  return router;
}
