import { commonErrorCodes } from "./error-body";
import { accountErrorCodes } from "./rest/account";
import { adminErrorCodes } from "./rest/admin";
import { billingErrorCodes } from "./rest/billing";
import { mfaErrorCodes } from "./rest/mfa";
import { proxyErrorCodes } from "./rest/proxy";
import { tokenErrorCodes } from "./rest/tokens";

/** The auth service's own refusals: sign-up, login, refresh, providers. */
export const authErrorCodes = {
  DUPLICATE_EMAIL: "DUPLICATE_EMAIL",
  DUPLICATE_USERNAME: "DUPLICATE_USERNAME",
  RESERVED_USERNAME: "RESERVED_USERNAME",
  WEAK_PASSWORD: "WEAK_PASSWORD",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  INVALID_REFRESH_TOKEN: "INVALID_REFRESH_TOKEN",
  REFRESH_TOKEN_REUSED: "REFRESH_TOKEN_REUSED",
  ACCOUNT_DISABLED: "ACCOUNT_DISABLED",
  INVALID_CLIENT: "INVALID_CLIENT",
  /** No such user (auth's lookups); in game-realtime, an invited username or id not in its user directory. */
  USER_NOT_FOUND: "USER_NOT_FOUND",
  NO_PASSWORD_SET: "NO_PASSWORD_SET",
  OAUTH_PROVIDER_NOT_FOUND: "OAUTH_PROVIDER_NOT_FOUND",
  REDIRECT_URI_NOT_ALLOWED: "REDIRECT_URI_NOT_ALLOWED",
  INVALID_OAUTH_STATE: "INVALID_OAUTH_STATE",
  OAUTH_CODE_REJECTED: "OAUTH_CODE_REJECTED",
  INVALID_ID_TOKEN: "INVALID_ID_TOKEN",
  OAUTH_PROVIDER_ERROR: "OAUTH_PROVIDER_ERROR",
  OAUTH_EMAIL_REQUIRED: "OAUTH_EMAIL_REQUIRED",
  OAUTH_EMAIL_IN_USE: "OAUTH_EMAIL_IN_USE",
  IDENTITY_ALREADY_LINKED: "IDENTITY_ALREADY_LINKED",
  IDENTITY_NOT_FOUND: "IDENTITY_NOT_FOUND",
  LAST_SIGN_IN_METHOD: "LAST_SIGN_IN_METHOD",
} as const;

/** A bearer JWT whose session ended: logged out, revoked, or its user disabled (HTTP 401, WebSocket close 4401). */
export const sessionErrorCodes = {
  SESSION_REVOKED: "SESSION_REVOKED",
  /** The user was disabled by an administrator: their sessions end and their sockets close. */
  USER_DISABLED: "USER_DISABLED",
} as const;

/** game-realtime's refusals, the same over HTTP (`error_code`) and the WebSocket (`error.code`). */
export const gameErrorCodes = {
  GAME_NOT_FOUND: "GAME_NOT_FOUND",
  /** The game is reserved for another player. */
  NOT_INVITED: "NOT_INVITED",
  /** The game has two players or has finished, or its creator is playing another game. */
  GAME_NOT_JOINABLE: "GAME_NOT_JOINABLE",
  /** The creator tried to take their own game's second seat. */
  OWN_GAME: "OWN_GAME",
  SELF_INVITE: "SELF_INVITE",
  ALREADY_QUEUED: "ALREADY_QUEUED",
  ALREADY_IN_GAME: "ALREADY_IN_GAME",
  /** A matchmaking cancel that came after the pairing: `game:matched` is on its way. */
  ALREADY_MATCHED: "ALREADY_MATCHED",
  GAME_NOT_ACTIVE: "GAME_NOT_ACTIVE",
  NOT_YOUR_TURN: "NOT_YOUR_TURN",
  /** A move's `seq` is not the game's version. */
  STALE_SEQ: "STALE_SEQ",
  /** The action is not a move of this game at all. */
  INVALID_ACTION: "INVALID_ACTION",
  /** The game changed while the move was checked; send it again. */
  GAME_BUSY: "GAME_BUSY",
  /** Connect Four: a move into a full column. */
  COLUMN_FULL: "COLUMN_FULL",
  /** A move after the game's rules say it is over. */
  GAME_OVER: "GAME_OVER",
} as const;

/** What the game WebSocket alone answers: the socket protocol itself, not a game. */
export const wsErrorCodes = {
  /** A message that is not one of the client messages, or has bad fields. */
  INVALID_MESSAGE: "INVALID_MESSAGE",
  /** A game message before `auth`. */
  NOT_AUTHENTICATED: "NOT_AUTHENTICATED",
  /** No `auth` message within the time allowed after the handshake. */
  AUTH_TIMEOUT: "AUTH_TIMEOUT",
  TOO_MANY_CONNECTIONS: "TOO_MANY_CONNECTIONS",
  /** `game:action` or `game:resign` from a socket that has not sent `game:join` for that game: nothing is done. */
  NOT_JOINED: "NOT_JOINED",
} as const;

/** Refusals of a request before any route handles it: the shared kit's HTTP server, the proxy's request checks, the game socket's handshake. */
export const requestErrorCodes = {
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  HEADERS_TOO_LARGE: "HEADERS_TOO_LARGE",
  /** A service token without the scope the internal route asks for (403). */
  INSUFFICIENT_SCOPE: "INSUFFICIENT_SCOPE",
  /** A browser `Origin` not on the game socket's allow-list (403 on the upgrade). */
  ORIGIN_NOT_ALLOWED: "ORIGIN_NOT_ALLOWED",
  /** The proxy: a path with `.` or `..` segments. */
  BAD_PATH: "BAD_PATH",
  /** The proxy: more than one `Host` header. */
  AMBIGUOUS_HOST: "AMBIGUOUS_HOST",
  /** The proxy: both `Content-Length` and `Transfer-Encoding`. */
  AMBIGUOUS_LENGTH: "AMBIGUOUS_LENGTH",
  /** The token service passing on a billing refusal that carried no code of its own. */
  BILLING_REFUSED: "BILLING_REFUSED",
} as const;

/**
 * Every `error_code` an HTTP answer carries and every `code` of a WebSocket `error` or `auth_error`:
 * one catalogue, one casing (UPPER_SNAKE_CASE), so a client matches one list whichever service or
 * transport answered. The groups above are kept for readers; this is the one to match against.
 *
 * Domain errors are `AppError` subclasses (`class GameNotFoundError extends NotFoundError`): token,
 * billing, proxy and service-kit's own hierarchy already were, `instanceof` is what the WebSocket and
 * express handlers test, and a class names its code and status once instead of at every call.
 */
export const errorCodes = {
  ...commonErrorCodes,
  ...authErrorCodes,
  ...sessionErrorCodes,
  ...accountErrorCodes,
  ...adminErrorCodes,
  ...mfaErrorCodes,
  ...tokenErrorCodes,
  ...billingErrorCodes,
  ...proxyErrorCodes,
  ...gameErrorCodes,
  ...wsErrorCodes,
  ...requestErrorCodes,
} as const;
export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

const knownCodes: ReadonlySet<string> = new Set(Object.values(errorCodes));

/** Whether a code read off the wire is one of the catalogue's (a newer server may send one this build does not know). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && knownCodes.has(code);
}
