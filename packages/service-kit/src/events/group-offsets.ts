import type { Kafka } from "kafkajs";
import type { Logger } from "../logger";

/**
 * Commits, for every partition of `topics` the group has no committed offset on, the partition's
 * current end. A group that starts "from now" has no committed offsets until it handles an event,
 * so a consumer that rejoins after an outage would start from the end again and skip everything
 * sent meanwhile (revocations among them); pinned before its first join, a rejoin resumes there.
 *
 * A broker that has just started answers NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS for a
 * while, marked retriable, which kafkajs's admin does not retry here: tried again every 500 ms,
 * up to 20 times. Anything else is thrown.
 */
export async function pinUnsetOffsetsToEnd(kafka: Kafka, groupId: string, topics: string[], log: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const committed = await admin.fetchOffsets({ groupId, topics });
        for (const { topic, partitions } of committed) {
          const unset = new Set(partitions.filter((partition) => partition.offset === "-1").map((partition) => partition.partition));
          if (unset.size === 0) continue;
          const ends = await admin.fetchTopicOffsets(topic);
          await admin.setOffsets({ groupId, topic, partitions: ends.filter((end) => unset.has(end.partition)).map((end) => ({ partition: end.partition, offset: end.high })) });
        }
        return;
      } catch (error) {
        if ((error as { retriable?: unknown }).retriable !== true || attempt >= 20) throw error;
        log.info("group coordinator not ready; pinning offsets again", { attempt, error: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
