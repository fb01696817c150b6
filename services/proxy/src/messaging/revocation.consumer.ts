import { eventTypes, topics } from "@tollgate/contracts";
import { consumerGroupId, EventConsumer, namespacedTopic, type Logger, type Registry } from "@tollgate/service-kit";
import type { Kafka, Producer } from "kafkajs";
import type { TokenValidator } from "../domain/token-validator";
import type { TunnelRegistry } from "../tunnel/tunnel-registry";

/**
 * Every proxy instance sees every revocation (its own consumer group): it drops the cached
 * validation and closes the tunnels that use the token, or all of a disabled user's.
 */
export function createRevocationConsumer(deps: {
  kafka: Kafka;
  logger: Logger;
  deadLetterProducer: Producer;
  validator: TokenValidator;
  tunnels: TunnelRegistry;
  topicNamespace: string;
  instanceId: string;
  /** The service's registry, for the group's lag and dead letters. */
  metrics?: Registry;
}): EventConsumer {
  const log = deps.logger.child({ component: "revocation-consumer" });
  const consumer = new EventConsumer({
    kafka: deps.kafka,
    groupId: consumerGroupId(namespacedTopic(deps.topicNamespace, "proxy"), "revocations", "per-instance", deps.instanceId),
    topics: [namespacedTopic(deps.topicNamespace, topics.tokenEvents), namespacedTopic(deps.topicNamespace, topics.authEvents)],
    logger: deps.logger,
    deadLetterProducer: deps.deadLetterProducer,
    metrics: deps.metrics,
  });
  consumer.on(eventTypes.tokenRevoked, async (event) => {
    await deps.validator.evict(event.data.token_sha256);
    const closed = deps.tunnels.closeByToken(event.data.token_sha256);
    log.info("token revoked", { token_id: event.data.token_id, tunnels_closed: closed });
  });
  consumer.on(eventTypes.userDisabled, async (event) => {
    await deps.validator.evictUser(event.data.user_id);
    const closed = deps.tunnels.closeByUser(event.data.user_id);
    log.info("user disabled", { user_id: event.data.user_id, tunnels_closed: closed });
  });
  return consumer;
}
