import { z } from "zod";

/** Stable machine-readable codes every service may answer with. Services add their own. */
export const commonErrorCodes = {
  MALFORMED_JSON: "MALFORMED_JSON",
  BAD_REQUEST: "BAD_REQUEST",
  VALIDATION_ERROR: "VALIDATION_ERROR",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /**
   * The `Authorization: Bearer` JWT (a user's access JWT from login, or a service token) was
   * refused: bad signature, wrong issuer or audience, malformed, not the kind the route wants.
   * Not to be confused with `TOKEN_INVALID`, a purchased access token (`X-Access-Token`) refused.
   */
  BEARER_TOKEN_INVALID: "BEARER_TOKEN_INVALID",
  /** A genuine bearer JWT past its `exp`: refresh the session (`POST /api/v1/auth/refresh`) and retry. */
  BEARER_TOKEN_EXPIRED: "BEARER_TOKEN_EXPIRED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  RATE_LIMITED: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  BREAKER_OPEN: "BREAKER_OPEN",
  NOT_READY: "NOT_READY",
  INTERNAL_ERROR: "INTERNAL_ERROR",
  /** An upgrade the route cannot serve: anything but a WebSocket (GET with `Upgrade: websocket`), e.g. `Upgrade: h2c`. */
  UPGRADE_NOT_SUPPORTED: "UPGRADE_NOT_SUPPORTED",
  /** A WebSocket handshake RFC 6455 §4.2.1 refuses: no or bad `Sec-WebSocket-Key`, a version other than 13. */
  WEBSOCKET_HANDSHAKE_INVALID: "WEBSOCKET_HANDSHAKE_INVALID",
  /** The gateway's own: a `Transfer-Encoding` other than chunked (RFC 9112 §6.1). */
  TRANSFER_ENCODING_NOT_SUPPORTED: "TRANSFER_ENCODING_NOT_SUPPORTED",
  /** The gateway's own: a request line's HTTP version it does not speak (e.g. `HTTP/2.0` as text). */
  HTTP_VERSION_NOT_SUPPORTED: "HTTP_VERSION_NOT_SUPPORTED",
  /** A conditional request (`If-Match`, `If-Unmodified-Since`) whose condition is false (RFC 9110 §15.5.13). */
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
} as const;
export type CommonErrorCode = (typeof commonErrorCodes)[keyof typeof commonErrorCodes];

export const fieldIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The one error body every HTTP endpoint answers with, whatever went wrong. */
export const errorBodySchema = z.object({
  detail: z.string(),
  error_code: z.string().min(1),
  status_code: z.number().int().min(400).max(599),
  /** ISO 8601; the gateway writes an offset (+00:00), the services a Z. */
  timestamp: z.iso.datetime({ offset: true }),
  request_id: z.string().min(1),
  /** Present on validation errors: which field failed and why. */
  errors: z.array(fieldIssueSchema).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
