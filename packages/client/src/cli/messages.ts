import type { ErrorCode } from "@tollgate/contracts";
import { TollgateError, type ClientErrorCode } from "../errors";

/** What to tell a person for each error code the services answer with (keys from the one catalogue, so a renamed code fails to compile). */
const MESSAGES: { readonly [code in ErrorCode | ClientErrorCode]?: string } = {
  NOT_LOGGED_IN: "You are not logged in. Run: tollgate login <username>",
  INVALID_CREDENTIALS: "Wrong username/email or password.",
  INVALID_MFA_CODE: "That code is wrong, expired or already used. Use the code your authenticator app shows now, or an unused recovery code.",
  MFA_CHALLENGE_INVALID: "That sign-in expired or had too many wrong codes. Run tollgate login again.",
  MFA_REQUIRED: "This account signs in with a second factor: run tollgate login in a terminal.",
  MFA_ALREADY_ENABLED: "Two-factor sign-in is already on. To move it to another app, turn it off first: tollgate mfa disable",
  MFA_NOT_ENABLED: "Two-factor sign-in is not on. Turn it on: tollgate mfa enable",
  MFA_ENROLMENT_NOT_STARTED: "No setup is waiting for a code. Start again: tollgate mfa enable",
  INVALID_RESET_TOKEN: "That reset link is unknown, expired or already used. Ask for a new one: tollgate password reset <your e-mail>",
  INVALID_VERIFICATION_TOKEN: "That verification link is unknown, expired or already used. Ask for a new one: tollgate verify-email --resend",
  EMAIL_ALREADY_VERIFIED: "Your e-mail address is already verified.",
  EMAIL_NOT_VERIFIED: "Verify your e-mail address first: open the link in the mail Tollgate sent you, or run tollgate verify-email --resend for a new one.",
  RATE_LIMITED: "Too many attempts. Wait a moment and try again.",
  WEAK_PASSWORD: "That password is too common or too weak; use 12+ characters that are not a known password.",
  DUPLICATE_EMAIL: "That email is already registered.",
  DUPLICATE_USERNAME: "That username is taken.",
  VALIDATION_ERROR: "The server refused the input.",
  INSUFFICIENT_FUNDS: "Your wallet cannot pay for that. Top up first: tollgate topup <amount>",
  PAYMENTS_NOT_CONFIGURED: "This Tollgate takes no card payments. On a development stack, add money with: tollgate topup <amount> --dev",
  PAYMENT_PROVIDER_ERROR: "The card payment service did not answer. Try again shortly.",
  TOKEN_ALREADY_USED: "That token was already used: only a token never used can be refunded.",
  TOKEN_NOT_REFUNDABLE: "That token was revoked when its account was disabled: it cannot be refunded.",
  IDEMPOTENCY_KEY_IN_USE: "That purchase is still being made. Wait a moment and look at tollgate tokens.",
  IDEMPOTENCY_KEY_REUSED: "That purchase key was already used for another purchase.",
  PURCHASE_NOT_FOUND: "No such purchase of yours.",
  TOKEN_LIMIT_REACHED: "You hold the maximum number of tokens. Revoke one (tollgate revoke <id>) or let one expire.",
  TOKEN_MISSING: "No access token. Buy one: tollgate buy <hours>",
  TOKEN_INVALID: "That access token is not valid.",
  TOKEN_EXPIRED: "Your access token has expired. Buy a new one: tollgate buy <hours>",
  TOKEN_REVOKED: "Your access token was revoked. Buy a new one: tollgate buy <hours>",
  SERVICE_UNAVAILABLE: "The service is unavailable right now. Try again shortly.",
  UPSTREAM_UNAVAILABLE: "The application behind the gate is unavailable right now. Try again shortly.",
  BREAKER_OPEN: "A service is unavailable right now. Try again shortly.",
  SESSION_REVOKED: "Your session has ended. Log in again: tollgate login <username>",
  BEARER_TOKEN_INVALID: "Your session has ended. Log in again: tollgate login <username>",
  BEARER_TOKEN_EXPIRED: "Your session has ended. Log in again: tollgate login <username>",
  UNAUTHENTICATED: "Your session has ended. Log in again: tollgate login <username>",
  NOT_FOUND: "Not found.",
  NETWORK_ERROR: "Cannot reach Tollgate. Is the gateway running (npm start), and is TOLLGATE_URL its address?",
  USER_NOT_FOUND: "No such user.",
  FORBIDDEN: "That needs an admin account. An admin can grant the role: tollgate admin grant <user>",
  LAST_ADMIN: "That is the only enabled admin account. Grant the admin role to another account first: tollgate admin grant <user>",
  SESSION_NOT_FOUND: "No such live session. tollgate admin sessions <user> lists them.",
  GAME_NOT_FOUND: "No such game (or it is not yours). Check the id the other player was given.",
  NOT_INVITED: "That game is reserved for another player.",
  GAME_NOT_JOINABLE: "That game already has two players, or has finished.",
  OWN_GAME: "That is your own game: the other player joins it, with tollgate play --join <game-id>.",
  SELF_INVITE: "You cannot play yourself; name another user.",
};

/** Node's codes for a certificate it would not trust. */
const CERTIFICATE_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** The code of a TLS verification failure anywhere in an error's causes (fetch wraps it once). */
function certificateCode(error: unknown): string | undefined {
  let cause = error as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; typeof cause === "object" && cause !== null && depth < 5; depth++) {
    if (typeof cause.code === "string" && CERTIFICATE_CODES.has(cause.code)) return cause.code;
    cause = cause.cause as typeof cause;
  }
  return undefined;
}

export function describeError(error: unknown): string {
  // First: an untrusted certificate arrives as a NETWORK_ERROR whose cause says so.
  const certificate = certificateCode(error);
  if (certificate) return `The gateway's certificate is not trusted (${certificate}). If a CA of your own signed it (a local stack's is under .tollgate/), set TOLLGATE_CA_FILE to that CA's PEM file. Verification is never turned off.`;
  if (error instanceof TollgateError) {
    const known = (MESSAGES as Record<string, string | undefined>)[error.code];
    const detail = error.code === "VALIDATION_ERROR" || error.code === "NETWORK_ERROR" || !known ? ` (${error.message})` : "";
    return `${known ?? `Request failed: ${error.code}`}${detail}${error.requestId ? ` [request ${error.requestId}]` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
