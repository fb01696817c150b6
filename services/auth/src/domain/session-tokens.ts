import { randomUUID } from "node:crypto";
import type { TokenPairResponse, UserResponse } from "@tollgate/contracts";
import type { User } from "./user.repository.port";
import type { TokenSigner } from "./signing-keys";

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  serviceTokenTtlSeconds: number;
}

/** Where a request came from, for sessions and the audit log. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    role: user.role,
    created_at: user.createdAt.toISOString(),
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
    email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
  };
}

/** Builds the access JWT and the login/refresh response. */
export class SessionTokens {
  constructor(
    private readonly signer: TokenSigner,
    readonly settings: TokenSettings,
  ) {}

  async pair(user: User, sessionId: string, refreshToken: string): Promise<TokenPairResponse> {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await this.signer.sign({
      sub: user.id,
      sid: sessionId,
      jti: randomUUID(),
      iss: this.settings.issuer,
      aud: this.settings.audience,
      typ: "access",
      role: user.role,
      // As the account stands now; a token issued before a verification says false until refreshed.
      email_verified: user.emailVerifiedAt !== null,
      iat: now,
      exp: now + this.settings.accessTokenTtlSeconds,
    });
    return { access_token: accessToken, refresh_token: refreshToken, token_type: "Bearer", expires_in: this.settings.accessTokenTtlSeconds, user: toUserResponse(user) };
  }

  serviceToken(clientId: string, scope: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.signer.sign({ sub: clientId, jti: randomUUID(), iss: this.settings.issuer, aud: this.settings.audience, typ: "service", scope, iat: now, exp: now + this.settings.serviceTokenTtlSeconds });
  }
}
