/** Why a token was revoked, as counted: its owner, an administrator, its user being disabled, or billing refunding its whole price. */
export const revocationKinds = ["user_request", "admin", "user_disabled", "refunded"] as const;
export type RevocationKind = (typeof revocationKinds)[number];

/**
 * What the use cases report once it has happened (committed); the service's metrics implement it.
 * Free-text revocation reasons are the owner's words, never a label: they are counted by kind.
 */
export interface TokenActivity {
  purchased(durationHours: number): void;
  activated(): void;
  revoked(kind: RevocationKind, count: number): void;
  /** A purchase ended other than by minting its token (declined: 402; cancelled: billing refused, the sweep gave it up, or the cap was reached after the debit, which was refunded; unavailable: 503, left pending) or was replayed for its key. */
  purchaseOutcome(outcome: PurchaseOutcome): void;
  /** Money billing returned: a given-up purchase's debit, or an unused token's price. */
  refunded(reason: "purchase_failed" | "unused_token_returned"): void;
}

export const purchaseOutcomes = ["declined", "cancelled", "unavailable", "replayed"] as const;
export type PurchaseOutcome = (typeof purchaseOutcomes)[number];

export const untrackedTokenActivity: TokenActivity = {
  purchased: () => undefined,
  activated: () => undefined,
  revoked: () => undefined,
  purchaseOutcome: () => undefined,
  refunded: () => undefined,
};
