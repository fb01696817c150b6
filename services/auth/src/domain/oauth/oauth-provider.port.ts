/**
 * One configured sign-in provider as the use cases see it: the protocol (discovery, PKCE, the code
 * exchange, ID-token checks, userinfo) is the adapter's (data/openid-provider.client.ts, over
 * openid-client); what a sign-in does with the answer (allow-lists, state storage, accounts) is ours.
 */

/** The start of an authorization-code flow: where to send the browser, and what to keep server-side until the callback. */
export interface AuthorizationRequest {
  /** Carries `state`, the S256 challenge and (OpenID Connect) the nonce; never the verifier. */
  url: string;
  state: string;
  codeVerifier: string;
  nonce: string;
}

/** What the provider said about the person. */
export interface ProviderAnswer {
  /** The ID token's claims, verified (signature by the provider's key, iss, aud/azp, exp/iat, nonce); undefined for plain OAuth 2.0. */
  idTokenClaims: Record<string, unknown> | undefined;
  /** The userinfo response; empty when the provider has no userinfo endpoint. */
  userinfo: Record<string, unknown>;
}

export interface OAuthProviderPort {
  readonly name: string;
  /** Draws a fresh state, PKCE verifier and nonce and builds the provider URL for `redirectUri`. */
  authorizationRequest(redirectUri: string): Promise<AuthorizationRequest>;
  /**
   * Exchanges the code with the PKCE verifier; for OpenID Connect verifies the ID token against
   * `nonce`; then reads userinfo. A refused code is 400 OAUTH_CODE_REJECTED, a bad ID token 401
   * INVALID_ID_TOKEN, a misbehaving provider 502 OAUTH_PROVIDER_ERROR, an unreachable one 503.
   */
  exchange(input: { code: string; redirectUri: string; codeVerifier: string; nonce: string }): Promise<ProviderAnswer>;
}

/** The configured providers by name; an unknown name is 404 OAUTH_PROVIDER_NOT_FOUND. */
export interface OAuthProviderDirectory {
  get(name: string): OAuthProviderPort;
}
