import { Kafka, logLevel, type Consumer } from "kafkajs";
import { testInfra, uniqueName } from "./config";
import { waitFor } from "./wait-for";

export interface CollectedMessage {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  receivedAt: number;
}

/** A plain Kafka consumer that records every message of some topics, for assertions. */
export class EventCollector {
  readonly messages: CollectedMessage[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly topics: string[],
    private readonly brokers: string[] = testInfra().kafkaBrokers,
  ) {}

  async start(): Promise<this> {
    const kafka = new Kafka({ clientId: "test-collector", brokers: this.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Not kafkajs's waitForLeaders: it gives up on the UNKNOWN_TOPIC_OR_PARTITION a broker may
      // answer right after creating a topic (it failed a set-up in CI). The wait is ours, as in
      // service-kit's ensureTopics.
      await admin.createTopics({ topics: this.topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: false });
      await waitFor(
        async () => {
          const metadata = await admin.fetchTopicMetadata({ topics: this.topics }).catch((error: { type?: string }) => {
            if (error.type === "UNKNOWN_TOPIC_OR_PARTITION" || error.type === "LEADER_NOT_AVAILABLE") return undefined;
            throw error;
          });
          return metadata?.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0)) ? true : undefined;
        },
        { timeoutMs: 30_000, what: `leaders for ${this.topics.join(", ")}` },
      );
    } finally {
      await admin.disconnect();
    }
    this.consumer = kafka.consumer({ groupId: uniqueName("collector"), maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    let assigned = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      assigned = true;
    });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        this.messages.push({
          topic,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers,
          receivedAt: Date.now(),
        });
      },
    });
    await waitFor(() => assigned, { timeoutMs: 30_000, what: "the collector to join its group" });
    return this;
  }

  /** Parsed JSON values of the messages on a topic. */
  values<T = Record<string, unknown>>(topic?: string): T[] {
    return this.messages
      .filter((message) => topic === undefined || message.topic === topic)
      .map((message) => JSON.parse(message.value ?? "null") as T);
  }

  async waitForCount(count: number, { topic, timeoutMs = 30_000 }: { topic?: string; timeoutMs?: number } = {}): Promise<CollectedMessage[]> {
    return waitFor(
      () => {
        const matching = this.messages.filter((message) => topic === undefined || message.topic === topic);
        return matching.length >= count ? matching : undefined;
      },
      { timeoutMs, what: `${count} messages${topic ? ` on ${topic}` : ""}` },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
