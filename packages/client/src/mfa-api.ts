import {
  mfaErrorCodes,
  mfaStatusResponseSchema,
  recoveryCodesResponseSchema,
  totpEnrolmentResponseSchema,
  type MfaChallengeResponse,
  type MfaCodeRequest,
  type MfaStatusResponse,
  type RecoveryCodesResponse,
  type TotpEnrolmentResponse,
} from "@tollgate/contracts";
import { TollgateError } from "./errors";

/** How the SDK sends one authenticated request (the client's own, with its session and error handling). */
export type MfaCall = (method: "GET" | "POST", path: string, body?: unknown) => Promise<unknown>;

/**
 * What a person typed when asked for the second factor: six digits are a TOTP code from the
 * authenticator app, anything else a recovery code (the service ignores case, dashes and spaces).
 */
export function secondFactorProof(typed: string): MfaCodeRequest {
  const trimmed = typed.trim();
  return /^\d{6}$/.test(trimmed) ? { totp_code: trimmed } : { recovery_code: trimmed };
}

/**
 * `auth.login` met an account with two-factor sign-in and was given no `secondFactor` callback:
 * the password was right, no session exists yet. Redeem `challenge.mfa_token` with
 * `auth.completeLogin(token, proof)` within `challenge.expires_in` seconds. `status` is the HTTP
 * status of that answer (200: a challenge, not a refusal).
 */
export class MfaRequiredError extends TollgateError {
  constructor(readonly challenge: MfaChallengeResponse) {
    super(200, mfaErrorCodes.MFA_REQUIRED, "this account signs in with a second factor: complete the login with a TOTP code or a recovery code");
    this.name = "MfaRequiredError";
  }
}

/**
 * The signed-in user's second factor (`/api/v1/users/me/mfa*`). Turning TOTP on takes two calls:
 * `enrolTotp()` (show its `otpauth_uri` as a QR code), then `confirmTotp(code)` with the app's
 * first code, which answers the ten recovery codes, once. Rejects with `TollgateError`: 401
 * `INVALID_MFA_CODE` (wrong, out of its window, or already used), 409 `MFA_ALREADY_ENABLED` /
 * `MFA_NOT_ENABLED` / `MFA_ENROLMENT_NOT_STARTED`, 429 `RATE_LIMITED` (wrong codes count like
 * wrong passwords), 401 `NOT_LOGGED_IN` before any request.
 */
export class MfaApi {
  constructor(private readonly call: MfaCall) {}

  /** `{ totp: "disabled" | "pending" | "enabled", enabled_at, recovery_codes_remaining }`. */
  async status(): Promise<MfaStatusResponse> {
    return mfaStatusResponseSchema.parse(await this.call("GET", "/api/v1/users/me/mfa"));
  }

  /** A new secret (base32) and its `otpauth://` URI, pending until confirmed; calling again replaces it. */
  async enrolTotp(): Promise<TotpEnrolmentResponse> {
    return totpEnrolmentResponseSchema.parse(await this.call("POST", "/api/v1/users/me/mfa/totp"));
  }

  /** Turns two-factor sign-in on with the app's current code; resolves the ten recovery codes (shown once). */
  async confirmTotp(totpCode: string): Promise<RecoveryCodesResponse> {
    return recoveryCodesResponseSchema.parse(await this.call("POST", "/api/v1/users/me/mfa/totp/confirm", { totp_code: totpCode }));
  }

  /** Turns it off; needs a fresh TOTP code or an unused recovery code (see `secondFactorProof`). */
  async disable(proof: MfaCodeRequest): Promise<void> {
    await this.call("POST", "/api/v1/users/me/mfa/disable", proof);
  }

  /** Ten new recovery codes for the old ones; needs a fresh TOTP code or an unused recovery code. */
  async regenerateRecoveryCodes(proof: MfaCodeRequest): Promise<RecoveryCodesResponse> {
    return recoveryCodesResponseSchema.parse(await this.call("POST", "/api/v1/users/me/mfa/recovery-codes", proof));
  }
}
