import { randomUUID } from "node:crypto";
import type { OAuthCallbackQuery, OAuthSignInResponse } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import { auditActions } from "../audit-log.port";
import { AccountDisabledError, InvalidOAuthStateError } from "../auth-errors";
import type { LoginRecorderPort } from "../login-record.port";
import type { SecondFactorChallenges } from "../mfa/second-factor-challenges";
import { newRefreshToken, tokenSha256 } from "../refresh-token";
import type { ClientInfo, SessionTokens } from "../session-tokens";
import type { OAuthAccountResolver } from "./oauth-account-resolver";
import type { OAuthProviderDirectory } from "./oauth-provider.port";
import type { OAuthStatePort } from "./oauth-state.port";
import { profileFrom } from "./provider-profile";

export interface CompleteOAuthSignInDeps {
  providers: OAuthProviderDirectory;
  states: OAuthStatePort;
  accounts: OAuthAccountResolver;
  logins: LoginRecorderPort;
  tokens: SessionTokens;
  sessionMaxLifetimeSeconds: number;
  logger: Logger;
  /** An account with a confirmed authenticator gets a challenge instead of a session, as at password login. */
  secondFactor: SecondFactorChallenges;
}

/**
 * The callback: consume the `state` (once), exchange the code with the PKCE verifier, verify who
 * the provider says this is, find / link / create the account, and open a session exactly as a
 * password login does (same tokens, same session rows, audit row `oauth_login`).
 */
export class CompleteOAuthSignInUseCase {
  private readonly log: Logger;

  constructor(private readonly deps: CompleteOAuthSignInDeps) {
    this.log = deps.logger.child({ component: "oauth-sign-in" });
  }

  async execute(providerName: string, query: OAuthCallbackQuery, client: ClientInfo): Promise<OAuthSignInResponse> {
    const provider = this.deps.providers.get(providerName);
    const pending = await this.deps.states.consume(query.state);
    if (!pending || pending.provider !== provider.name) throw new InvalidOAuthStateError();
    const answer = await provider.exchange({ code: query.code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier, nonce: pending.nonce });
    const profile = profileFrom(provider.name, answer);
    const { user, outcome } = await this.deps.accounts.resolve(provider.name, profile, pending.linkUserId, client);
    // A provider proves the first factor only: an account with a second one shows it before it gets a session.
    if (await this.deps.secondFactor.isRequired(user.id)) {
      this.log.info("oauth sign-in: second factor required", { user_id: user.id, provider: provider.name, outcome });
      return this.deps.secondFactor.challenge({ userId: user.id, firstFactor: { kind: "oauth", provider: provider.name, outcome } }, client);
    }

    const refreshToken = newRefreshToken();
    const sessionId = randomUUID();
    const now = new Date();
    // The resolver saw the account enabled; the write checks again, atomically (a disable may have
    // committed since), and serialises with a disable in progress.
    const opened = await this.deps.logins.record({
      sessionId,
      userId: user.id,
      firstTokenSha256: tokenSha256(refreshToken),
      expiresAt: new Date(now.getTime() + this.deps.sessionMaxLifetimeSeconds * 1000),
      at: now,
      client,
      audit: { action: auditActions.oauthLogin, details: { provider: provider.name, outcome } },
    });
    if (!opened) throw new AccountDisabledError();
    this.log.info("oauth sign-in", { user_id: user.id, session_id: sessionId, provider: provider.name, outcome });
    const pair = await this.deps.tokens.pair({ ...user, lastLoginAt: now }, sessionId, refreshToken);
    return { ...pair, provider: provider.name, outcome };
  }
}
