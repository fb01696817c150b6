/** Why a token was revoked, as counted: its owner, an administrator, or its user being disabled. */
export const revocationKinds = ["user_request", "admin", "user_disabled"] as const;
export type RevocationKind = (typeof revocationKinds)[number];

/**
 * What the use cases report once it has happened (committed); the service's metrics implement it.
 * Free-text revocation reasons are the owner's words, never a label: they are counted by kind.
 */
export interface TokenActivity {
  purchased(durationHours: number): void;
  activated(): void;
  revoked(kind: RevocationKind, count: number): void;
}

export const untrackedTokenActivity: TokenActivity = {
  purchased: () => undefined,
  activated: () => undefined,
  revoked: () => undefined,
};
