/** Who a verified access token speaks for. */
export interface VerifiedAccessToken {
  userId: string;
  sessionId: string;
  role: string;
  expiresAt: Date;
}

export type BearerTokenRejectionCode = "BEARER_TOKEN_INVALID" | "BEARER_TOKEN_EXPIRED";

/** A user access token (the bearer JWT) we refuse; `code` is what the WebSocket `auth_error` and the HTTP error carry. Not the gated application's access token: that refusal is service-kit's `TokenRejectedError`. */
export class BearerTokenRejectedError extends Error {
  constructor(
    readonly code: BearerTokenRejectionCode,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "BearerTokenRejectedError";
  }
}

/** The narrow port the HTTP and WebSocket layers authenticate through. */
export interface AccessTokenVerifier {
  /** Resolves with the token's subject or rejects with BearerTokenRejectedError. */
  verify(token: string): Promise<VerifiedAccessToken>;
}
