import type { Admin, Kafka } from "kafkajs";
import { Counter, Gauge, type Registry } from "prom-client";
import { sharedMetric } from "../http/metrics";

export const CONSUMER_LAG_METRIC = "tollgate_kafka_consumer_lag";
export const DLQ_MESSAGES_METRIC = "tollgate_kafka_dlq_messages_total";

/** Why a message went to its dead-letter topic, as a bounded label; the full reason is in the message's headers and the log. */
export const deadLetterReasons = ["not_json", "not_cloudevent", "bad_payload", "handler_failed"] as const;
export type DeadLetterReason = (typeof deadLetterReasons)[number];

/** A consumer group whose lag is reported. */
export interface WatchedGroup {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Where the group starts on a partition it has never committed: there, lag counts from the start or from the end. */
  fromBeginning: boolean;
}

type LagRow = { topic: string; partition: number; lag: number };

export interface ConsumerMetricsOptions {
  /** How long a lag reading is reused (default 5 s): scrapes every few seconds cost the brokers nothing more. */
  cacheMs?: number;
  /** How long a scrape waits for the brokers (default 2 s); a group that does not answer has no sample that scrape. */
  timeoutMs?: number;
}

/** One per registry: the series a registry can hold only once, fed by every consumer of the service. */
const byRegistry = new WeakMap<Registry, KafkaConsumerMetrics>();

/**
 * What the `EventConsumer`s of a service report in its registry:
 * - `tollgate_kafka_consumer_lag{group,topic,partition}`: messages of the partition the group has
 *   not committed yet (high watermark − committed offset), read from the brokers at scrape time
 *   (ListOffsets and OffsetFetch through an admin client) and reused for `cacheMs`. A partition
 *   the group never committed counts from where the group will start: all retained messages for a
 *   group that starts from the beginning, none for one that starts at the end.
 * - `tollgate_kafka_dlq_messages_total{topic,reason}`: messages sent to `<topic>.dlq`, by source
 *   topic; 0 from the start for every topic consumed and every reason, so `increase()` sees the first.
 */
export class KafkaConsumerMetrics {
  readonly deadLetters: Counter<"topic" | "reason">;
  private readonly groups = new Set<WatchedGroup>();
  private readonly admins = new Map<Kafka, Promise<Admin>>();
  private readonly readings = new Map<WatchedGroup, { at: number; rows: Promise<LagRow[] | undefined> }>();
  private readonly cacheMs: number;
  private readonly timeoutMs: number;

  /** The instance of `registry`, created (with its series) on first use. */
  static of(registry: Registry, options: ConsumerMetricsOptions = {}): KafkaConsumerMetrics {
    let metrics = byRegistry.get(registry);
    if (!metrics) {
      metrics = new KafkaConsumerMetrics(registry, options);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry, options: ConsumerMetricsOptions) {
    this.cacheMs = options.cacheMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.deadLetters = sharedMetric(
      registry,
      DLQ_MESSAGES_METRIC,
      () => new Counter({ name: DLQ_MESSAGES_METRIC, help: "Messages sent to the dead-letter topic, by source topic and reason", labelNames: ["topic", "reason"], registers: [registry] }),
    ) as Counter<"topic" | "reason">;
    const read = (): Promise<Map<WatchedGroup, LagRow[] | undefined>> => this.readAll();
    sharedMetric(
      registry,
      CONSUMER_LAG_METRIC,
      () =>
        new Gauge({
          name: CONSUMER_LAG_METRIC,
          help: "Messages not yet committed by the consumer group, by group, topic and partition (read at scrape time, cached a few seconds)",
          labelNames: ["group", "topic", "partition"],
          registers: [registry],
          async collect() {
            const readings = await read();
            this.reset();
            for (const [group, rows] of readings) {
              for (const row of rows ?? []) this.set({ group: group.groupId, topic: row.topic, partition: String(row.partition) }, row.lag);
            }
          },
        }),
    );
  }

  /** Reports the group's lag and sets its dead-letter series to 0; the returned function stops both. */
  watch(group: WatchedGroup): () => void {
    this.groups.add(group);
    for (const topic of group.topics) for (const reason of deadLetterReasons) this.deadLetters.inc({ topic, reason }, 0);
    return () => {
      this.groups.delete(group);
      this.readings.delete(group);
      if (![...this.groups].some((other) => other.kafka === group.kafka)) this.dropAdmin(group.kafka);
    };
  }

  deadLettered(topic: string, reason: DeadLetterReason): void {
    this.deadLetters.inc({ topic, reason });
  }

  private async readAll(): Promise<Map<WatchedGroup, LagRow[] | undefined>> {
    const groups = [...this.groups];
    const rows = await Promise.all(groups.map((group) => this.reading(group)));
    return new Map(groups.map((group, i) => [group, rows[i]]));
  }

  /** The cached reading, or a new one bounded by `timeoutMs`; undefined when the brokers did not answer. */
  private reading(group: WatchedGroup): Promise<LagRow[] | undefined> {
    const cached = this.readings.get(group);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.rows;
    let timer: NodeJS.Timeout | undefined;
    const rows = Promise.race([
      this.lagOf(group),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), this.timeoutMs);
        timer.unref();
      }),
    ])
      .catch(() => {
        // A broken admin connection is opened again by the next reading.
        this.dropAdmin(group.kafka);
        return undefined;
      })
      .finally(() => clearTimeout(timer));
    this.readings.set(group, { at: Date.now(), rows });
    return rows;
  }

  private async lagOf(group: WatchedGroup): Promise<LagRow[]> {
    const admin = await this.admin(group.kafka);
    const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: group.topics });
    const rows: LagRow[] = [];
    for (const { topic, partitions } of committed) {
      const done = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const high = Number(end.high);
        const offset = done.get(end.partition) ?? -1;
        const lag = offset >= 0 ? high - offset : group.fromBeginning ? high - Number(end.low) : 0;
        rows.push({ topic, partition: end.partition, lag: Math.max(0, lag) });
      }
    }
    return rows;
  }

  private admin(kafka: Kafka): Promise<Admin> {
    let admin = this.admins.get(kafka);
    if (!admin) {
      // No retries: a scrape must answer in time, and the next scrape is the retry.
      const client = kafka.admin({ retry: { retries: 0 } });
      admin = client.connect().then(() => client);
      admin.catch(() => this.admins.delete(kafka));
      this.admins.set(kafka, admin);
    }
    return admin;
  }

  private dropAdmin(kafka: Kafka): void {
    const admin = this.admins.get(kafka);
    this.admins.delete(kafka);
    void admin?.then((client) => client.disconnect()).catch(() => undefined);
  }
}
