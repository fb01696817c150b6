/** Who a verified access token speaks for. */
export interface VerifiedAccessToken {
  userId: string;
  sessionId: string;
  role: string;
  expiresAt: Date;
}

export type TokenRejectionCode = "BEARER_TOKEN_INVALID" | "BEARER_TOKEN_EXPIRED";

/** A token we refuse; `code` is what the WebSocket `auth_error` and the HTTP error carry. */
export class TokenRejectedError extends Error {
  constructor(
    readonly code: TokenRejectionCode,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "TokenRejectedError";
  }
}

/** The narrow port the HTTP and WebSocket layers authenticate through. */
export interface AccessTokenVerifier {
  /** Resolves with the token's subject or rejects with TokenRejectedError. */
  verify(token: string): Promise<VerifiedAccessToken>;
}
