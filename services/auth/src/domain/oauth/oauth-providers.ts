import { JwksKeyStore, type Registry } from "@tollgate/service-kit";
import { z } from "zod";
import type { OAuthProviderConfig } from "../../config";
import { OAuthProviderClient, type ProviderTokenResponse } from "../../data/oauth-provider.client";
import { oauthProviderError, oauthProviderNotFoundError } from "../auth-errors";
import { IdTokenVerifier } from "./id-token-verifier";

/** What a sign-in learned about the person from the provider. */
export interface ProviderProfile {
  subject: string;
  email: string | null;
  /** True only when the provider vouches for the address (`email_verified`); only then may it link to an existing account. */
  emailVerified: boolean;
  /** A hint for the username of a new account. */
  name: string | null;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
/** An address the account table can hold, or none. */
const emailOf = (value: unknown): string | null => (z.email().max(254).safeParse(value).success ? (value as string) : null);
const verified = (value: unknown): boolean => value === true || value === "true";

/** One configured provider: its HTTP client and, for OpenID Connect, its ID-token verifier. */
export class OAuthProvider {
  readonly client: OAuthProviderClient;
  private readonly idTokens: IdTokenVerifier | undefined;

  constructor(
    readonly config: OAuthProviderConfig,
    options: { timeoutMs: number; registry?: Registry },
  ) {
    this.client = new OAuthProviderClient(config, options);
    this.idTokens =
      config.kind === "oidc"
        ? new IdTokenVerifier({ keys: new JwksKeyStore({ fetchJwks: () => this.client.jwks(), minRefetchIntervalMs: 30_000 }), issuer: config.issuer, clientId: config.clientId, provider: config.name })
        : undefined;
  }

  get isOpenIdConnect(): boolean {
    return this.idTokens !== undefined;
  }

  /**
   * OpenID Connect: the verified ID token names the person; the userinfo endpoint adds the profile
   * and must name the same subject (Core §5.3.4). Plain OAuth 2.0: the userinfo response alone
   * (`sub`, or GitHub's numeric `id`).
   */
  async profile(tokens: ProviderTokenResponse, nonce: string): Promise<ProviderProfile> {
    if (this.idTokens) {
      if (!tokens.id_token) throw oauthProviderError(`provider ${this.config.name} returned no ID token`);
      const claims = await this.idTokens.verify(tokens.id_token, nonce);
      const info = await this.client.userinfo(tokens.access_token);
      if (info.sub !== undefined && info.sub !== claims.sub) throw oauthProviderError(`provider ${this.config.name} returned a profile of another subject`);
      const email = emailOf(info.email) ?? emailOf(claims.email);
      return {
        subject: claims.sub,
        email,
        emailVerified: email !== null && (emailOf(info.email) ? verified(info.email_verified) : verified(claims.email_verified)),
        name: text(info.preferred_username) ?? text(info.name) ?? text(claims.preferred_username) ?? text(claims.name),
      };
    }
    const info = await this.client.userinfo(tokens.access_token);
    const rawSubject = info.sub ?? info.id;
    const subject = typeof rawSubject === "number" && Number.isSafeInteger(rawSubject) ? String(rawSubject) : text(rawSubject);
    if (!subject || subject.length > 255) throw oauthProviderError(`provider ${this.config.name} returned a profile without a subject`);
    const email = emailOf(info.email);
    return { subject, email, emailVerified: email !== null && verified(info.email_verified), name: text(info.preferred_username) ?? text(info.login) ?? text(info.name) };
  }
}

/** The configured providers by name; an unknown name is 404. */
export class OAuthProviders {
  private readonly byName: Map<string, OAuthProvider>;

  /** `registry`: where each provider's breaker state is exposed. */
  constructor(configs: readonly OAuthProviderConfig[], options: { timeoutMs: number; registry?: Registry }) {
    this.byName = new Map(configs.map((config) => [config.name, new OAuthProvider(config, options)]));
  }

  get(name: string): OAuthProvider {
    const provider = this.byName.get(name);
    if (!provider) throw oauthProviderNotFoundError();
    return provider;
  }
}
