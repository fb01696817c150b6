import { z } from "zod";
import { tokenPairResponseSchema } from "./auth";
import { oauthCallbackResponseSchema } from "./oauth";

/**
 * A second sign-in factor: TOTP (RFC 6238, over HOTP, RFC 4226) with single-use recovery codes,
 * in OWASP's Multifactor Authentication Cheat Sheet's terms. The parameters are the ones every
 * authenticator app reads from an `otpauth://` URI without asking: HMAC-SHA-1, 6 digits, 30 s.
 */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ALGORITHM = "SHA1";
/** Recovery codes handed out at once; each works once. */
export const RECOVERY_CODE_COUNT = 10;

export const mfaErrorCodes = {
  /**
   * Not an error body: the `status` of a 200 login (or sign-in callback) answer whose password
   * or provider was right, for an account that has a second factor. Redeem its `mfa_token` at
   * `POST /api/v1/auth/login/mfa`.
   */
  MFA_REQUIRED: "MFA_REQUIRED",
  /** 401: the TOTP code or recovery code is wrong, outside its time window, or already used. */
  INVALID_MFA_CODE: "INVALID_MFA_CODE",
  /** 401: the mfa_token is unknown, expired, already redeemed, or out of attempts: log in again. */
  MFA_CHALLENGE_INVALID: "MFA_CHALLENGE_INVALID",
  /**
   * 409: another attempt with this mfa_token is being checked right now; send the code again once
   * it is answered (a code sent alongside is not checked, so a recovery code is not spent).
   */
  MFA_ATTEMPT_IN_PROGRESS: "MFA_ATTEMPT_IN_PROGRESS",
  /** 409: the account already has a confirmed authenticator (disable it first). */
  MFA_ALREADY_ENABLED: "MFA_ALREADY_ENABLED",
  /** 409: the account has no second factor to disable or recovery codes to renew. */
  MFA_NOT_ENABLED: "MFA_NOT_ENABLED",
  /** 409: confirm was called with no enrolment started (`POST /api/v1/users/me/mfa/totp` first). */
  MFA_ENROLMENT_NOT_STARTED: "MFA_ENROLMENT_NOT_STARTED",
} as const;
export type MfaErrorCode = (typeof mfaErrorCodes)[keyof typeof mfaErrorCodes];

/** The code an authenticator app shows: exactly six digits. */
export const totpCodeSchema = z.string().regex(/^\d{6}$/, "must be the 6 digits your authenticator app shows");

/**
 * A recovery code as a person may type it: letters and digits, dashes and spaces ignored, any
 * case (`abcd-efgh-jkmn-pqrs`, `ABCDEFGHJKMNPQRS`).
 */
export const recoveryCodeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9 -]+$/, "letters, digits, '-' and spaces only");

const EXACTLY_ONE = "give exactly one of totp_code and recovery_code";

/** The two ways to prove the second factor; exactly one of them. */
const secondFactorProof = [z.strictObject({ totp_code: totpCodeSchema }), z.strictObject({ recovery_code: recoveryCodeSchema })] as const;

/** `POST /api/v1/users/me/mfa/disable` and `/recovery-codes`: a fresh TOTP code or an unused recovery code. */
export const mfaCodeRequestSchema = z.union(secondFactorProof, { error: EXACTLY_ONE });
export type MfaCodeRequest = z.infer<typeof mfaCodeRequestSchema>;

/** The short-lived token a login answers with when a second factor is due. */
export const mfaTokenSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, "base64url only");

/** `POST /api/v1/auth/login/mfa`: the login's challenge and the second factor. */
export const mfaLoginRequestSchema = z.union([
  z.strictObject({ mfa_token: mfaTokenSchema, totp_code: totpCodeSchema }),
  z.strictObject({ mfa_token: mfaTokenSchema, recovery_code: recoveryCodeSchema }),
], { error: EXACTLY_ONE });
export type MfaLoginRequest = z.infer<typeof mfaLoginRequestSchema>;

/** `POST /api/v1/users/me/mfa/totp/confirm`: the first code from the new authenticator. */
export const totpConfirmRequestSchema = z.strictObject({ totp_code: totpCodeSchema });
export type TotpConfirmRequest = z.infer<typeof totpConfirmRequestSchema>;

export const secondFactorMethodSchema = z.enum(["totp", "recovery_code"]);
export type SecondFactorMethod = z.infer<typeof secondFactorMethodSchema>;

/**
 * A login whose first factor was right, for an account with a second one: no session yet.
 * `mfa_token` is redeemed once at `POST /api/v1/auth/login/mfa` within `expires_in` seconds.
 */
export const mfaChallengeResponseSchema = z.object({
  status: z.literal(mfaErrorCodes.MFA_REQUIRED),
  mfa_token: mfaTokenSchema,
  /** Seconds the token stays redeemable. */
  expires_in: z.number().int().positive(),
  /** What the second step accepts. */
  methods: z.array(secondFactorMethodSchema),
});
export type MfaChallengeResponse = z.infer<typeof mfaChallengeResponseSchema>;

/** `POST /api/v1/auth/login`: a session, or (accounts with a second factor) a challenge. */
export const loginResponseSchema = z.union([tokenPairResponseSchema, mfaChallengeResponseSchema]);
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** The sign-in callback: a session with how the account was found, or a challenge. */
export const oauthSignInResponseSchema = z.union([oauthCallbackResponseSchema, mfaChallengeResponseSchema]);
export type OAuthSignInResponse = z.infer<typeof oauthSignInResponseSchema>;

/** True when a login answer asks for the second factor. */
export const isMfaChallenge = (body: LoginResponse | OAuthSignInResponse): body is MfaChallengeResponse => "status" in body && body.status === mfaErrorCodes.MFA_REQUIRED;

/**
 * `POST /api/v1/users/me/mfa/totp`: a new, unconfirmed authenticator. `secret` is the key in
 * base32 (RFC 4648, no padding) for typing in by hand; `otpauth_uri` is the same as a key URI
 * (`otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`) for a QR code.
 */
export const totpEnrolmentResponseSchema = z.object({
  secret: z.string().regex(/^[A-Z2-7]+$/),
  otpauth_uri: z.string().regex(/^otpauth:\/\/totp\//),
  issuer: z.string(),
  account_name: z.string(),
  algorithm: z.literal(TOTP_ALGORITHM),
  digits: z.literal(TOTP_DIGITS),
  /** Seconds per code. */
  period: z.literal(TOTP_PERIOD_SECONDS),
});
export type TotpEnrolmentResponse = z.infer<typeof totpEnrolmentResponseSchema>;

/** Shown once: the service keeps only their hashes. Each works once, in place of a TOTP code. */
export const recoveryCodesResponseSchema = z.object({
  recovery_codes: z.array(z.string()).length(RECOVERY_CODE_COUNT),
});
export type RecoveryCodesResponse = z.infer<typeof recoveryCodesResponseSchema>;

/** `GET /api/v1/users/me/mfa`. `pending`: enrolled, not yet confirmed (login does not ask for it). */
export const mfaStatusResponseSchema = z.object({
  totp: z.enum(["disabled", "pending", "enabled"]),
  enabled_at: z.iso.datetime({ offset: true }).nullable(),
  recovery_codes_remaining: z.number().int().min(0),
});
export type MfaStatusResponse = z.infer<typeof mfaStatusResponseSchema>;
