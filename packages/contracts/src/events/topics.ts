/** Kafka topics. Each service may prefix them with a namespace (tests use one per run). */
export const topics = {
  tokenEvents: "tollgate.token-events",
  authEvents: "tollgate.auth-events",
  billingEvents: "tollgate.billing-events",
} as const;
export type Topic = (typeof topics)[keyof typeof topics];

/** Where a consumer sends a message it cannot parse. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

export const eventTypes = {
  tokenActivated: "tollgate.token.activated.v1",
  tokenRevoked: "tollgate.token.revoked.v1",
  purchaseCompleted: "tollgate.token.purchase.completed.v1",
  sessionRevoked: "tollgate.auth.session.revoked.v1",
  userDisabled: "tollgate.auth.user.disabled.v1",
  userEnabled: "tollgate.auth.user.enabled.v1",
  userRegistered: "tollgate.auth.user.registered.v1",
  auditRecorded: "tollgate.audit.recorded.v1",
  walletCredited: "tollgate.billing.wallet.credited.v1",
  walletDebited: "tollgate.billing.wallet.debited.v1",
  purchaseRefunded: "tollgate.billing.purchase.refunded.v1",
} as const;
export type EventType = (typeof eventTypes)[keyof typeof eventTypes];
