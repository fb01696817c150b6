import { eventTypes, topics, type EventType, type Topic } from "../events/topics";

/** Who writes and who reads each topic (the Events table of ARCHITECTURE.md), for the AsyncAPI document. */
export interface EventFlow {
  topic: Topic;
  /** What the Kafka message key is: every event of one key lands on one partition, in order. */
  key: string;
  producer: string;
  types: readonly EventType[];
  consumers: readonly EventConsumerFlow[];
}

export interface EventConsumerFlow {
  service: string;
  handles: readonly EventType[];
  /** `per-instance`: every instance sees every event (it holds state per instance); `shared`: one instance of the service handles each. */
  group: "shared" | "per-instance";
  does: string;
}

export const eventFlows: readonly EventFlow[] = [
  {
    topic: topics.tokenEvents,
    key: "the token id (an audit record: its token, else the user it is about)",
    producer: "token",
    types: [eventTypes.tokenActivated, eventTypes.tokenRevoked, eventTypes.purchaseCompleted, eventTypes.auditRecorded],
    consumers: [
      { service: "proxy", handles: [eventTypes.tokenRevoked], group: "per-instance", does: "drops the cached validation and closes the WebSocket tunnels that use the token" },
      { service: "auth", handles: [eventTypes.tokenActivated, eventTypes.auditRecorded], group: "shared", does: "writes activations and administrators' token actions to the audit log" },
    ],
  },
  {
    topic: topics.authEvents,
    key: "the user id",
    producer: "auth",
    types: [eventTypes.sessionRevoked, eventTypes.userDisabled, eventTypes.userEnabled, eventTypes.userRegistered],
    consumers: [
      { service: "token", handles: [eventTypes.userDisabled], group: "shared", does: "revokes every token of the disabled user" },
      { service: "proxy", handles: [eventTypes.userDisabled], group: "per-instance", does: "drops the user's cached validations and closes their tunnels" },
      { service: "game-realtime", handles: [eventTypes.sessionRevoked, eventTypes.userDisabled, eventTypes.userEnabled], group: "per-instance", does: "closes the sockets of the revoked session or disabled user; lets an enabled user's new sessions in again" },
      { service: "billing", handles: [eventTypes.sessionRevoked, eventTypes.userDisabled], group: "per-instance", does: "refuses the access JWTs of the revoked session or disabled user at once" },
      { service: "game-realtime", handles: [eventTypes.userRegistered], group: "shared", does: "keeps the user directory (usernames for invitations, game JSON and the leaderboard); rebuilt from the earliest offset when empty" },
    ],
  },
  {
    topic: topics.billingEvents,
    key: "the user id",
    producer: "billing",
    types: [eventTypes.walletCredited, eventTypes.walletDebited, eventTypes.purchaseRefunded],
    // For reporting and notifications; no Tollgate service needs to react to money movements yet.
    consumers: [],
  },
];
