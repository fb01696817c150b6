import type { Admin, Kafka } from "kafkajs";
import type { Logger } from "../logger";

export interface AdminRetryOptions {
  /** Attempts in all, first included (default 20). */
  attempts?: number;
  /** Pause between attempts, ms (default 500). */
  intervalMs?: number;
  /** Where a retried refusal is logged (at info), with `what` and the attempt number. */
  log?: Logger;
  /** What the work is, for the log line. */
  what?: string;
}

/**
 * Whether `error` is a broker answer the Kafka protocol marks retriable (NOT_LEADER_OR_FOLLOWER,
 * LEADER_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, …; kafkajs copies the flag
 * from its table of error codes onto `retriable`), looking through kafkajs's wrappers (`cause`,
 * and an aggregate's `errors`).
 */
export function isRetriableKafkaError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const candidate = current as { retriable?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (candidate.retriable === true) return true;
    if (Array.isArray(candidate.errors) && candidate.errors.length > 0 && candidate.errors.every(isRetriableKafkaError)) return true;
    current = candidate.cause ?? candidate.originalError;
  }
  return false;
}

/**
 * Runs `work` with a connected admin client and disconnects it, trying again with a new client
 * while the broker answers with a retriable refusal: up to `attempts` (20) tries, `intervalMs`
 * (500 ms) apart, so about 10 s. A broker or topic that has just started answers such refusals for
 * a while (a fresh topic's partitions have no leader yet; a group's coordinator is still loading),
 * and kafkajs's admin gives several of them up at once: `fetchTopicOffsets`,
 * `fetchTopicOffsetsByTimestamp` and `resetOffsets` retry only UNKNOWN_TOPIC_OR_PARTITION, so a
 * NOT_LEADER_OR_FOLLOWER failed a service's start in CI. Each try has a new client because the
 * admin's cluster metadata, once stale, is not refreshed by those calls.
 * `work` must be safe to run again from the start. Throws anything else at once, and the last
 * refusal after the last attempt.
 */
export async function withKafkaAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>, options: AdminRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 20;
  const intervalMs = options.intervalMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await work(admin);
    } catch (error) {
      if (!isRetriableKafkaError(error) || attempt >= attempts) throw error;
      options.log?.info("the broker is not ready for this yet; trying again", {
        what: options.what,
        attempt,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
