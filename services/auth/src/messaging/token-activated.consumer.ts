import { eventTypes } from "@tollgate/contracts";
import { applyOnce, consumerGroupId, EventConsumer, namespacedTopic, type Logger, type Registry } from "@tollgate/service-kit";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import { AuditLogRepository } from "../data/audit-log.repository";
import { auditActions } from "../domain/audit-log.port";

const CONSUMER = "auth.token-activated-audit";

/**
 * Writes a `token_activated` audit row for every `token.activated` event, and the entry of every
 * `audit.recorded` event, once per event (the event id is recorded in `processed_events` in the
 * same transaction). Instances share one group.
 */
export function tokenActivatedConsumer(deps: {
  kafka: Kafka;
  knex: Knex;
  logger: Logger;
  tokenEventsTopic: string;
  deadLetterProducer: Producer;
  instanceId: string;
  /** KAFKA_TOPIC_NAMESPACE: groups are namespaced like topics, or two namespaces would share one group. */
  namespace: string;
  /** The service's registry, for the group's lag and dead letters. */
  metrics?: Registry;
}): EventConsumer {
  const consumer = new EventConsumer({
    kafka: deps.kafka,
    groupId: consumerGroupId(namespacedTopic(deps.namespace, "auth"), "token-activated-audit", "shared", deps.instanceId),
    topics: [deps.tokenEventsTopic],
    logger: deps.logger,
    deadLetterProducer: deps.deadLetterProducer,
    fromBeginning: true,
    metrics: deps.metrics,
  });
  return consumer
    .on(eventTypes.tokenActivated, async (event) => {
      await applyOnce(deps.knex, CONSUMER, event.id, async (trx) => {
        await new AuditLogRepository(trx).record({
          userId: event.data.user_id,
          action: auditActions.tokenActivated,
          details: { event_id: event.id, token_id: event.data.token_id, duration_hours: event.data.duration_hours, activated_at: event.data.activated_at, expires_at: event.data.expires_at },
        });
      });
    })
    .on(eventTypes.auditRecorded, async (event) => {
      // Another service's record of an admin's action (the token service's reads and revocations).
      await applyOnce(deps.knex, CONSUMER, event.id, async (trx) => {
        await new AuditLogRepository(trx).recordFrom(event.source, event.id, event.data);
      });
    });
}
