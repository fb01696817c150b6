import { Kafka, logLevel, Partitioners, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "../logger";

export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
}

const LEVELS: Record<number, string> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** A kafkajs client whose own log lines go through our logger (warn and above). */
export function createKafka({ clientId, brokers, logger }: KafkaOptions): Kafka {
  const log = logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log.log(LEVELS[level] ?? "info", message, { kafka: rest });
      },
  });
}

/**
 * The producer the outbox relay uses: idempotent (no duplicates from its own retries), one
 * in-flight request so order per partition holds, and short retries so a dead broker is reported
 * to the relay quickly; the relay keeps the events and tries again.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 100, retries: 3, maxRetryTime: 1_000 },
  });
}

/** Creates topics that do not exist yet (idempotent; partitions only matter the first time). */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** `tollgate.token-events` in production; `<namespace>.tollgate.token-events` under a namespace. */
export function namespacedTopic(namespace: string, topic: string): string {
  return namespace ? `${namespace}.${topic}` : topic;
}
