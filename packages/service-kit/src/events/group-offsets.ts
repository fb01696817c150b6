import type { Kafka } from "kafkajs";
import type { Logger } from "../logger";
import { withKafkaAdmin } from "./kafka-admin";

/**
 * Commits, for every partition of `topics` the group has no committed offset on, the partition's
 * current end. A group that starts "from now" has no committed offsets until it handles an event,
 * so a consumer that rejoins after an outage would start from the end again and skip everything
 * sent meanwhile (revocations among them); pinned before its first join, a rejoin resumes there.
 *
 * A broker or topic that has just started refuses some of these requests for a while (no
 * coordinator yet, no partition leader yet); `withKafkaAdmin` tries again. Anything else is thrown.
 */
export async function pinUnsetOffsetsToEnd(kafka: Kafka, groupId: string, topics: string[], log: Logger): Promise<void> {
  await withKafkaAdmin(
    kafka,
    async (admin) => {
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const { topic, partitions } of committed) {
        const unset = new Set(partitions.filter((partition) => partition.offset === "-1").map((partition) => partition.partition));
        if (unset.size === 0) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        await setOffsetsOfEmptyGroup(kafka, groupId, topic, ends.filter((end) => unset.has(end.partition)).map((end) => ({ partition: end.partition, offset: end.high })));
      }
    },
    { log, what: `pinning group ${groupId}'s unset offsets to the end` },
  );
}

/** How long the broker holds the committing consumer's fetch (see `setOffsetsOfEmptyGroup`). */
const COMMIT_FETCH_WAIT_MS = 50;

/**
 * Commits `partitions`' offsets for `groupId`, a group with no running member, the way kafkajs's
 * `admin.setOffsets` does (a consumer of the group joins, pauses the topic, seeks each partition
 * and stops at its first fetch, committing what it sought), with one difference: the admin's
 * consumer keeps kafkajs's default fetch wait, so its first fetch of the paused topic returned
 * only after 5 s. Every "from now" group paid that per topic when it first started: the proxy's
 * two topics were 10 of its 13 s to ready. Here the fetch waits `COMMIT_FETCH_WAIT_MS`.
 * Throws kafkajs's errors (a group with running members cannot be set: join and seek would move
 * their partitions).
 */
async function setOffsetsOfEmptyGroup(kafka: Kafka, groupId: string, topic: string, partitions: { partition: number; offset: string }[]): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: COMMIT_FETCH_WAIT_MS, sessionTimeout: 6_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const description = await consumer.describeGroup();
    if (description.members.length > 0) throw new Error(`group ${groupId} has running members (${description.state}): its offsets cannot be pinned`);
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => {
        consumer.stop().then(resolve, reject);
      });
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
      consumer.pause([{ topic }]);
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
    });
  } finally {
    await consumer.disconnect();
  }
}
