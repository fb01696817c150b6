import { eventTypes, topics } from "@tollgate/contracts";
import { applyOnce, consumerGroupId, EventConsumer, namespacedTopic, type Logger, type OutboxNotifier, type Registry } from "@tollgate/service-kit";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import type { RevokeRefundedPurchaseUseCase } from "../domain/revoke-refunded-purchase.use-case";

const CONSUMER = "token.purchase-refunded";

/**
 * billing's `purchase.refunded` with nothing of the price left (`remaining` 0) → the purchase's
 * token `refunded` and, if it was live, `token.revoked` (the proxies drop it). One shared group
 * (the work is done once per event); `applyOnce` makes a redelivery change nothing. Partial
 * refunds, and events from before `remaining` existed, change nothing.
 */
export function createPurchaseRefundedConsumer(deps: {
  kafka: Kafka;
  knex: Knex;
  logger: Logger;
  deadLetterProducer: Producer;
  revokeRefunded: RevokeRefundedPurchaseUseCase;
  outbox: OutboxNotifier;
  topicNamespace: string;
  fromBeginning?: boolean;
  metrics?: Registry;
}): EventConsumer {
  const log = deps.logger.child({ component: "purchase-refunded-consumer" });
  const consumer = new EventConsumer({
    kafka: deps.kafka,
    groupId: consumerGroupId(namespacedTopic(deps.topicNamespace, "token"), "purchase-refunded", "shared", ""),
    topics: [namespacedTopic(deps.topicNamespace, topics.billingEvents)],
    logger: deps.logger,
    deadLetterProducer: deps.deadLetterProducer,
    fromBeginning: deps.fromBeginning ?? true,
    metrics: deps.metrics,
  });
  return consumer.on(eventTypes.purchaseRefunded, async (event) => {
    if (event.data.remaining !== 0) return;
    let changed = false;
    const applied = await applyOnce(deps.knex, CONSUMER, event.id, async (trx) => {
      changed = await deps.revokeRefunded.execute(trx, event.data.purchase_id, event.correlationid ?? event.id);
    });
    if (changed) deps.outbox.announce();
    log.info(applied ? "purchase fully refunded: its token is unusable" : "purchase.refunded already applied", { purchase_id: event.data.purchase_id, refund_id: event.data.refund_id, event_id: event.id, token_changed: changed });
  });
}
