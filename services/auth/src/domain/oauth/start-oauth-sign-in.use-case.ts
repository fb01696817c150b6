import type { OAuthStateStore } from "../../data/oauth-state.store";
import { redirectUriNotAllowedError } from "../auth-errors";
import type { OAuthProviders } from "./oauth-providers";
import { codeChallengeS256, randomToken } from "./pkce";
import type { RedirectUriAllowList } from "./redirect-uri-allow-list";

/** How long a started sign-in may take before its callback (the `state` expires). */
export const OAUTH_STATE_TTL_SECONDS = 600;

/**
 * Starts an authorization-code flow: a random `state` (single use, 10 minutes), a PKCE S256
 * verifier and, for OpenID Connect, a nonce, all kept server-side; returns the provider URL to send
 * the browser to. With `linkUserId` the callback links the provider to that (signed-in) user.
 */
export class StartOAuthSignInUseCase {
  constructor(private readonly deps: { providers: OAuthProviders; redirectUris: RedirectUriAllowList; states: OAuthStateStore }) {}

  async execute(input: { provider: string; redirectUri: string; linkUserId: string | null }): Promise<string> {
    const provider = this.deps.providers.get(input.provider);
    if (!this.deps.redirectUris.allows(input.redirectUri)) throw redirectUriNotAllowedError();
    const { authorizationEndpoint } = await provider.client.endpoints();
    const state = randomToken();
    const codeVerifier = randomToken();
    const nonce = randomToken();
    await this.deps.states.save(state, { provider: provider.config.name, redirectUri: input.redirectUri, codeVerifier, nonce, linkUserId: input.linkUserId });
    const url = new URL(authorizationEndpoint);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", provider.config.clientId);
    url.searchParams.set("redirect_uri", input.redirectUri);
    url.searchParams.set("scope", provider.config.scopes.join(" "));
    url.searchParams.set("state", state);
    url.searchParams.set("code_challenge", codeChallengeS256(codeVerifier));
    url.searchParams.set("code_challenge_method", "S256");
    if (provider.isOpenIdConnect) url.searchParams.set("nonce", nonce);
    return url.toString();
  }
}
