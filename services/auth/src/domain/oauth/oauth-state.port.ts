/** What a sign-in started with, kept server-side until its callback. */
export interface PendingSignIn {
  provider: string;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
  /** Set when a signed-in user started the flow to link the provider to their account. */
  linkUserId: string | null;
}

/** Pending sign-ins by `state`, each usable once (adapter: data/oauth-state.store.ts). */
export interface OAuthStatePort {
  save(state: string, pending: PendingSignIn): Promise<void>;
  /** The pending sign-in, removed in the same step; undefined when unknown, expired or already used. */
  consume(state: string): Promise<PendingSignIn | undefined>;
}
