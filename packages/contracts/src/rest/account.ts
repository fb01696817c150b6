import { z } from "zod";
import { passwordSchema } from "./auth";

/**
 * A user's own account: their sessions, e-mail verification and password reset (OWASP's
 * "Forgot Password" flow: a single-use, short-lived token sent to the registered address).
 */

export const accountErrorCodes = {
  /** The verification token is unknown, expired, already used, or for an address the account no longer has. */
  INVALID_VERIFICATION_TOKEN: "INVALID_VERIFICATION_TOKEN",
  /** The reset token is unknown, expired or already used. */
  INVALID_RESET_TOKEN: "INVALID_RESET_TOKEN",
  /** A verification mail was asked for an address that is already verified. */
  EMAIL_ALREADY_VERIFIED: "EMAIL_ALREADY_VERIFIED",
  /** No live session of yours has that id. */
  SESSION_NOT_FOUND: "SESSION_NOT_FOUND",
  /** The token service requires a verified address to buy (`REQUIRE_VERIFIED_EMAIL`) and the access JWT says it is not. */
  EMAIL_NOT_VERIFIED: "EMAIL_NOT_VERIFIED",
} as const;
export type AccountErrorCode = (typeof accountErrorCodes)[keyof typeof accountErrorCodes];

/**
 * A verification or reset token as the mail carries it: 32 random bytes in base64url (43
 * characters). The service keeps only its SHA-256.
 */
export const accountTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be the 43-character token from the mail");

/** `POST /api/v1/auth/email/verify`: the token from the verification mail. */
export const verifyEmailRequestSchema = z.strictObject({ token: accountTokenSchema });
export type VerifyEmailRequest = z.infer<typeof verifyEmailRequestSchema>;

/** `POST /api/v1/auth/password/forgot`: where to send the reset mail, if an account uses that address. */
export const forgotPasswordRequestSchema = z.strictObject({ email: z.email().max(254) });
export type ForgotPasswordRequest = z.infer<typeof forgotPasswordRequestSchema>;

/** `POST /api/v1/auth/password/reset`: the token from the reset mail and the new password (same policy as registration). */
export const resetPasswordRequestSchema = z.strictObject({ token: accountTokenSchema, new_password: passwordSchema });
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

/** One of the caller's live sessions (not revoked, not past its lifetime or idle limit). */
export const accountSessionSchema = z.object({
  id: z.uuid().toLowerCase(),
  /** The login that opened it. */
  created_at: z.iso.datetime({ offset: true }),
  /** The login, or the last refresh. */
  last_used_at: z.iso.datetime({ offset: true }),
  /** When it ends unless refreshed: the earlier of its absolute lifetime and its idle limit. */
  expires_at: z.iso.datetime({ offset: true }),
  /** The client's address and user agent at the login. */
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  /** The session of the access token that asked. */
  current: z.boolean(),
});
export type AccountSession = z.infer<typeof accountSessionSchema>;

/** `GET /api/v1/users/me/sessions`: most recently used first. */
export const accountSessionListSchema = z.object({ sessions: z.array(accountSessionSchema) });
export type AccountSessionList = z.infer<typeof accountSessionListSchema>;

/** `POST /api/v1/users/me/sessions/revoke-others`: how many sessions ended. */
export const otherSessionsRevokedSchema = z.object({ revoked_sessions: z.number().int().min(0) });
export type OtherSessionsRevoked = z.infer<typeof otherSessionsRevokedSchema>;
