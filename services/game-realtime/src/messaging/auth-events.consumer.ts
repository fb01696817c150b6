import { eventTypes, topics } from "@tollgate/contracts";
import { consumerGroupId, EventConsumer, namespacedTopic, type Logger, type Registry, type RevocationLog } from "@tollgate/service-kit";
import type { Kafka, Producer } from "kafkajs";
import type { RevokedSessions } from "../auth/revoked-sessions";
import type { ConnectionManager } from "../presence/connection-manager";

/**
 * `tollgate.auth-events`, in a consumer group of this instance alone (every instance must close its
 * own sockets). A revoked session or a disabled user is remembered in Redis, so a token of theirs
 * that has not expired yet is refused on any later connection, and the sockets open here now are
 * closed with `auth_error`. Both steps are idempotent, as at-least-once delivery requires. The
 * Redis write comes first: a check that starts after the handler is done sees it there.
 */
export function createAuthEventsConsumer(deps: {
  kafka: Kafka;
  deadLetterProducer: Producer;
  topicNamespace: string;
  instanceId: string;
  revocations: RevokedSessions;
  /** This instance's recent revocations, for authentications in flight (see Authenticator.revokedSince). */
  log: RevocationLog<"user" | "session">;
  connections: ConnectionManager;
  logger: Logger;
  /** A new group starts at the end of the topic (old revocations concern expired tokens); tests read a fresh topic from its start. */
  fromBeginning?: boolean;
  /** The service's registry, for the group's lag and dead letters. */
  metrics?: Registry;
}): EventConsumer {
  const log = deps.logger.child({ component: "auth-events-consumer" });
  return new EventConsumer({
    kafka: deps.kafka,
    groupId: consumerGroupId("game-realtime", "auth-events", "per-instance", deps.instanceId),
    topics: [namespacedTopic(deps.topicNamespace, topics.authEvents)],
    logger: deps.logger,
    deadLetterProducer: deps.deadLetterProducer,
    fromBeginning: deps.fromBeginning ?? false,
    metrics: deps.metrics,
  })
    .on(eventTypes.sessionRevoked, async (event) => {
      await afterRemembering(deps.revocations.revokeSession(event.data.session_id), () => {
        // Logged and closed together, nothing awaited between: an authentication running now either
        // registered its socket already (closed here) or will find this in the log when it does.
        deps.log.revoke("session", event.data.session_id);
        const closed = deps.connections.closeSessions({ sessionId: event.data.session_id }, "SESSION_REVOKED", "the session has been revoked");
        log.info("session revoked", { session_id: event.data.session_id, reason: event.data.reason, sockets_closed: closed });
      });
    })
    .on(eventTypes.userDisabled, async (event) => {
      await afterRemembering(deps.revocations.disableUser(event.data.user_id), () => {
        deps.log.revoke("user", event.data.user_id);
        const closed = deps.connections.closeSessions({ userId: event.data.user_id }, "USER_DISABLED", "the account has been disabled");
        log.info("user disabled", { user_id: event.data.user_id, sockets_closed: closed });
      });
    })
    .on(eventTypes.userEnabled, async (event) => {
      await deps.revocations.enableUser(event.data.user_id);
      log.info("user enabled", { user_id: event.data.user_id });
    });
}

/**
 * Runs `act` (log and close sockets here) once the Redis write settled, whichever way: a write
 * that failed still closes this instance's sockets, and is then thrown, so the event is retried
 * (not committed) until every instance can see it in Redis.
 */
async function afterRemembering(remembered: Promise<void>, act: () => void): Promise<void> {
  const outcome = await remembered.then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  act();
  if (outcome) throw outcome.error;
}
