import { eventTypes, topics } from "@tollgate/contracts";
import { applyOnce, consumerGroupId, EventConsumer, namespacedTopic, type Logger, type Registry } from "@tollgate/service-kit";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import type { RevokeTokenUseCase } from "../domain/revoke-token.use-case";

const CONSUMER = "token.user-disabled";

/**
 * `user.disabled` → every pending or active token of the user revoked, each with its own
 * `token.revoked`. One shared group (the work is done once per event, not once per instance);
 * `applyOnce` makes a redelivered event change nothing.
 */
export function createUserDisabledConsumer(deps: {
  kafka: Kafka;
  knex: Knex;
  logger: Logger;
  deadLetterProducer: Producer;
  revokeTokens: RevokeTokenUseCase;
  topicNamespace: string;
  fromBeginning?: boolean;
  /** The service's registry, for the group's lag and dead letters. */
  metrics?: Registry;
}): EventConsumer {
  const log = deps.logger.child({ component: "user-disabled-consumer" });
  const consumer = new EventConsumer({
    kafka: deps.kafka,
    groupId: consumerGroupId(namespacedTopic(deps.topicNamespace, "token"), "user-disabled", "shared", ""),
    topics: [namespacedTopic(deps.topicNamespace, topics.authEvents)],
    logger: deps.logger,
    deadLetterProducer: deps.deadLetterProducer,
    fromBeginning: deps.fromBeginning ?? true,
    metrics: deps.metrics,
  });
  return consumer.on(eventTypes.userDisabled, async (event) => {
    let revoked = 0;
    const applied = await applyOnce(deps.knex, CONSUMER, event.id, async (trx) => {
      revoked = await deps.revokeTokens.revokeAllOfUser(trx, event.data.user_id, event.correlationid ?? event.id);
    });
    log.info(applied ? "revoked tokens of a disabled user" : "user.disabled already applied", { user_id: event.data.user_id, event_id: event.id, revoked });
  });
}
