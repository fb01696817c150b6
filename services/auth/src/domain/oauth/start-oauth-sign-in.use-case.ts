import { RedirectUriNotAllowedError } from "../auth-errors";
import type { OAuthProviderDirectory } from "./oauth-provider.port";
import type { OAuthStatePort } from "./oauth-state.port";
import type { RedirectUriAllowList } from "./redirect-uri-allow-list";

/** How long a started sign-in may take before its callback (the `state` expires). */
export const OAUTH_STATE_TTL_SECONDS = 600;

/**
 * Starts an authorization-code flow: a random `state` (single use, 10 minutes), a PKCE S256
 * verifier and, for OpenID Connect, a nonce, all kept server-side; returns the provider URL to send
 * the browser to. With `linkUserId` the callback links the provider to that (signed-in) user.
 */
export class StartOAuthSignInUseCase {
  constructor(private readonly deps: { providers: OAuthProviderDirectory; redirectUris: RedirectUriAllowList; states: OAuthStatePort }) {}

  async execute(input: { provider: string; redirectUri: string; linkUserId: string | null }): Promise<string> {
    const provider = this.deps.providers.get(input.provider);
    if (!this.deps.redirectUris.allows(input.redirectUri)) throw new RedirectUriNotAllowedError();
    const { url, state, codeVerifier, nonce } = await provider.authorizationRequest(input.redirectUri);
    await this.deps.states.save(state, { provider: provider.name, redirectUri: input.redirectUri, codeVerifier, nonce, linkUserId: input.linkUserId });
    return url;
  }
}
