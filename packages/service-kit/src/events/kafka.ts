import { Kafka, KafkaJSAggregateError, logLevel, Partitioners, type Admin, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "../logger";
import { fixKafkajsIdleTimerLoop } from "./kafkajs-idle-loop";

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

/**
 * Answers of a healthy cluster that kafkajs logs at `error` (its connection logs every error code
 * a broker answers with, whatever the caller makes of it), and the level they deserve. Matched on
 * the broker's error text, which is all kafkajs puts in the line.
 */
const BENIGN: { error: string; request?: string; level: string }[] = [
  // One line for the whole CreateTopics answer when any topic in it has an error code, including
  // TOPIC_ALREADY_EXISTS, which admin.createTopics then reports as success. Any other code makes
  // createTopics throw, and `ensureTopics` logs that at error with each topic's reason.
  { request: "Response CreateTopics", error: "Topic creation errors", level: "debug" },
  // REBALANCE_IN_PROGRESS: another member joined or left (every start of an instance does this);
  // the consumer rejoins by itself.
  { error: "The group is rebalancing, so a rejoin is needed", level: "info" },
  // A freshly started broker is still electing leaders and loading groups; kafkajs retries, and a
  // consumer that gives up logs its crash at error.
  { error: "The coordinator is loading and hence can't process requests for this group", level: "warn" },
  { error: "The group coordinator is not available", level: "warn" },
  { error: "This is not the correct coordinator for this group", level: "warn" },
  { error: "There is no leader for this topic-partition as we are in the middle of a leadership election", level: "warn" },
  // UNKNOWN_TOPIC_OR_PARTITION on a metadata request right after the topic was created;
  // `ensureTopics` waits it out.
  { request: "Response Metadata", error: "This server does not host this topic-partition", level: "warn" },
];

/** Our level for a kafkajs log line: kafkajs's own, except for the known benign answers above. */
export function kafkaLogLevel(level: logLevel, entry: { message?: unknown; error?: unknown }): string {
  const own = LEVELS[level] ?? "info";
  if (level !== logLevel.ERROR || typeof entry.error !== "string") return own;
  const message = typeof entry.message === "string" ? entry.message : "";
  const benign = BENIGN.find((rule) => rule.error === entry.error && (rule.request === undefined || message.startsWith(rule.request)));
  return benign?.level ?? own;
}

/** A kafkajs client whose own log lines go through our logger (warn and above; known benign errors lowered, see `kafkaLogLevel`). */
export function createKafka({ clientId, brokers, logger }: KafkaOptions): Kafka {
  fixKafkajsIdleTimerLoop();
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
        log.log(kafkaLogLevel(level, entry), message, { kafka: rest });
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

/**
 * Creates topics that do not exist yet (idempotent; partitions only matter the first time) and
 * waits until every partition of each has a leader. Only the missing ones are asked for: a request
 * naming an existing topic comes back with an error code for it. A topic another instance creates
 * meanwhile is fine; any other refusal is logged at error and thrown.
 *
 * kafkajs's own `waitForLeaders` retries only LEADER_NOT_AVAILABLE, but a broker that has just
 * created a topic may still answer the metadata request with UNKNOWN_TOPIC_OR_PARTITION ("This
 * server does not host this topic-partition") for a moment; that failed a test's set-up in CI. So
 * the wait is ours: up to `leaderTimeoutMs` (default 30 s), polling every 100 ms.
 *
 * @throws the broker's refusal, or an Error naming the topics still without leaders at the timeout.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 3, leaderTimeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions })), waitForLeaders: false }).catch((error: unknown) => {
      const refusals = error instanceof KafkaJSAggregateError ? error.errors : [error];
      for (const refusal of refusals) {
        const { topic, type, message } = refusal as { topic?: string; type?: string; message?: string };
        kafka.logger().error("topic not created", { topic, type, error: message ?? String(refusal) });
      }
      throw error;
    });
    await waitForLeaders(admin, missing, leaderTimeoutMs);
  } finally {
    await admin.disconnect();
  }
}

const NOT_READY_YET = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waitingFor = topics;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: waitingFor });
      waitingFor = metadata.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0)).map((topic) => topic.name);
      if (waitingFor.length === 0) return;
    } catch (error) {
      if (!NOT_READY_YET.has((error as { type?: string }).type ?? "")) throw error;
    }
    if (Date.now() >= deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${waitingFor.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `tollgate.token-events` in production; `<namespace>.tollgate.token-events` under a namespace. */
export function namespacedTopic(namespace: string, topic: string): string {
  return namespace ? `${namespace}.${topic}` : topic;
}
