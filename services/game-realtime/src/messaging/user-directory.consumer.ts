import { eventTypes, topics } from "@tollgate/contracts";
import { applyOnce, consumerGroupId, EventConsumer, namespacedTopic, withKafkaAdmin, type Logger, type Registry } from "@tollgate/service-kit";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import type { UserDirectoryRepository } from "../data/user-directory.repository";

const SERVICE = "game-realtime";
const PURPOSE = "user-directory";

/**
 * `tollgate.auth-events` → the user directory, in one consumer group shared by every instance (the
 * directory is database state: one copy per deployment). Each `user.registered` is applied once:
 * its id goes into processed_events in the transaction that writes the entry. A new group starts
 * at the earliest offset, so the topic (with auth's backfill) rebuilds the whole directory.
 */
export function createUserDirectoryConsumer(deps: {
  kafka: Kafka;
  deadLetterProducer: Producer;
  topicNamespace: string;
  knex: Knex;
  directory: UserDirectoryRepository;
  logger: Logger;
  metrics?: Registry;
}): EventConsumer {
  const log = deps.logger.child({ component: "user-directory-consumer" });
  const groupId = directoryGroupId(deps.topicNamespace);
  return new EventConsumer({
    kafka: deps.kafka,
    groupId,
    topics: [namespacedTopic(deps.topicNamespace, topics.authEvents)],
    logger: deps.logger,
    deadLetterProducer: deps.deadLetterProducer,
    fromBeginning: true,
    metrics: deps.metrics,
  }).on(eventTypes.userRegistered, async (event) => {
    const entry = { userId: event.data.user_id, username: event.data.username, registeredAt: new Date(event.data.registered_at) };
    const applied = await applyOnce(deps.knex, groupId, event.id, (trx) => deps.directory.upsert(trx, entry));
    if (applied) log.info("user added to the directory", { user_id: entry.userId });
  });
}

/**
 * The shared group; a topic namespace (a deployment of its own, as each test run is) gets a group
 * of its own, so groups never mix members subscribed to different topics.
 */
export const directoryGroupId = (topicNamespace: string): string => consumerGroupId(SERVICE, topicNamespace ? `${PURPOSE}.${topicNamespace}` : PURPOSE, "shared", "");

/**
 * Before the consumer starts: when the directory is empty (a new or wiped database) the shared
 * group's offsets go back to the earliest, so the topic rebuilds it, and the group's processed
 * event ids are forgotten (a wiped directory beside a kept processed_events would skip every
 * replayed event; applying one twice is harmless, it is an upsert). Kafka refuses the reset while
 * other members are in the group; they share this database, so what they consume fills it anyway.
 * Returns whether the offsets were reset.
 */
export async function rebuildDirectoryIfEmpty(deps: { kafka: Kafka; topicNamespace: string; directory: UserDirectoryRepository; logger: Logger }): Promise<boolean> {
  if (!(await deps.directory.isEmpty())) return false;
  const groupId = directoryGroupId(deps.topicNamespace);
  await deps.directory.forgetProcessed(groupId);
  const log = deps.logger.child({ component: "user-directory-consumer" });
  try {
    await withKafkaAdmin(deps.kafka, (admin) => admin.resetOffsets({ groupId, topic: namespacedTopic(deps.topicNamespace, topics.authEvents), earliest: true }), {
      log,
      what: "resetting the user directory's group to the earliest auth event",
    });
    log.info("user directory is empty: rebuilding it from the earliest auth event");
    return true;
  } catch (error) {
    log.warn("user directory is empty but the group's offsets could not be reset (members are consuming)", { error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}
