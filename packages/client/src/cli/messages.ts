import { TollgateError } from "../errors";

/** What to tell a person for each error code the services answer with. */
const MESSAGES: Record<string, string> = {
  NOT_LOGGED_IN: "You are not logged in. Run: tollgate login <username>",
  INVALID_CREDENTIALS: "Wrong username/email or password.",
  RATE_LIMITED: "Too many attempts. Wait a moment and try again.",
  WEAK_PASSWORD: "That password is too common or too weak; use 12+ characters that are not a known password.",
  DUPLICATE_EMAIL: "That email is already registered.",
  DUPLICATE_USERNAME: "That username is taken.",
  VALIDATION_ERROR: "The server refused the input.",
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
};

export function describeError(error: unknown): string {
  if (error instanceof TollgateError) {
    const known = MESSAGES[error.code];
    const detail = error.code === "VALIDATION_ERROR" || !known ? ` (${error.message})` : "";
    return `${known ?? `Request failed: ${error.code}`}${detail}${error.requestId ? ` [request ${error.requestId}]` : ""}`;
  }
  if (error instanceof TypeError && /fetch failed/.test(error.message)) return "Cannot reach Tollgate. Is the gateway running? (npm start)";
  return error instanceof Error ? error.message : String(error);
}
