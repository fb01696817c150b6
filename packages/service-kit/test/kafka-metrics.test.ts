import { deadLetterTopic, eventTypes } from "@tollgate/contracts";
import { testInfra, uniqueName, waitFor } from "@tollgate/test-harness";
import { randomUUID } from "node:crypto";
import { logLevel } from "kafkajs";
import type { Counter, Gauge, Registry } from "prom-client";
import {
  CONSUMER_LAG_METRIC,
  createEvent,
  createHttpMetrics,
  createIdempotentProducer,
  createKafka,
  DLQ_MESSAGES_METRIC,
  ensureTopics,
  EventConsumer,
  KafkaConsumerMetrics,
  kafkaLogLevel,
} from "../src";
import { captureLogger } from "./support";

async function samples(registry: Registry, name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const metric = registry.getSingleMetric(name) as Gauge | Counter | undefined;
  return metric ? (await metric.get()).values.map(({ labels, value }) => ({ labels: labels as Record<string, string | number>, value })) : [];
}

const sum = (rows: { value: number }[]) => rows.reduce((total, row) => total + row.value, 0);

describe("kafkajs log levels", () => {
  it("when kafkajs logs a known benign broker answer at error, then it is lowered; any other error stays an error", () => {
    expect(kafkaLogLevel(logLevel.ERROR, { message: "Response CreateTopics(key: 19, version: 3)", error: "Topic creation errors" })).toBe("debug");
    expect(kafkaLogLevel(logLevel.ERROR, { message: "Response Heartbeat(key: 12, version: 3)", error: "The group is rebalancing, so a rejoin is needed" })).toBe("info");
    expect(kafkaLogLevel(logLevel.ERROR, { message: "Response FindCoordinator(key: 10, version: 2)", error: "The group coordinator is not available" })).toBe("warn");
    expect(kafkaLogLevel(logLevel.ERROR, { message: "Response Produce(key: 0, version: 7)", error: "Topic creation errors" })).toBe("error");
    expect(kafkaLogLevel(logLevel.ERROR, { message: "Crash: KafkaJSNumberOfRetriesExceeded", error: "Connection error: connect ECONNREFUSED" })).toBe("error");
    expect(kafkaLogLevel(logLevel.WARN, { message: "anything" })).toBe("warn");
  });

  it("when topics that already exist are ensured again (as every start does), then no error line is written; a topic the broker refuses is logged at error and thrown", async () => {
    const { logger, capture } = captureLogger();
    const kafka = createKafka({ clientId: "kit-log-test", brokers: testInfra().kafkaBrokers, logger });
    const topic = uniqueName("kit.logs");
    await ensureTopics(kafka, [topic]);
    await ensureTopics(kafka, [topic, `${topic}.dlq`]);
    // Created behind ensureTopics's back, as another instance starting at the same moment would.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${topic}.dlq` }] });
    await admin.disconnect();
    expect(capture.lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);

    await expect(ensureTopics(kafka, [`${topic}.${"x".repeat(249)}`])).rejects.toThrow();
    const errors = capture.lines.filter((line) => line.includes('"level":"error"'));
    expect(errors.some((line) => line.includes("topic not created") && line.includes("INVALID_TOPIC_EXCEPTION"))).toBe(true);
  });
});

describe("consumer metrics", () => {
  it("when a consumer starts, then its lag has a sample per partition and its dead-letter counter is 0 for every reason; a malformed message moves only its reason, by one", async () => {
    const { logger } = captureLogger();
    const { registry } = createHttpMetrics({ defaultMetrics: false });
    KafkaConsumerMetrics.of(registry, { cacheMs: 0 });
    const kafka = createKafka({ clientId: "kit-metrics-test", brokers: testInfra().kafkaBrokers, logger });
    const topic = uniqueName("kit.metrics");
    await ensureTopics(kafka, [topic, deadLetterTopic(topic)]);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const groupId = uniqueName("kit.metrics.group");
    const consumer = new EventConsumer({ kafka, groupId, topics: [topic], logger, deadLetterProducer: producer, metrics: registry });
    consumer.on(eventTypes.userDisabled, async () => undefined);
    try {
      await consumer.start();
      await consumer.joined();
      const lag = await samples(registry, CONSUMER_LAG_METRIC);
      expect(lag.map((row) => row.labels).sort((a, b) => Number(a.partition) - Number(b.partition))).toEqual(
        [0, 1, 2].map((partition) => ({ group: groupId, topic, partition: String(partition) })),
      );
      expect(sum(lag)).toBe(0);
      expect(await samples(registry, DLQ_MESSAGES_METRIC)).toEqual(
        ["not_json", "not_cloudevent", "bad_payload", "handler_failed"].map((reason) => ({ labels: { topic, reason }, value: 0 })),
      );

      await producer.send({ topic, messages: [{ key: "k", value: "{ not json" }] });
      await waitFor(async () => sum(await samples(registry, DLQ_MESSAGES_METRIC)) === 1, { what: "the dead letter counted" });
      const dead = await samples(registry, DLQ_MESSAGES_METRIC);
      expect(dead.find((row) => row.labels.reason === "not_json")?.value).toBe(1);
    } finally {
      await consumer.stop();
      await producer.disconnect();
    }
  });

  it("when a handler holds the group back, then the lag counts the waiting messages; once they are handled it returns to 0", async () => {
    const { logger } = captureLogger();
    const { registry } = createHttpMetrics({ defaultMetrics: false });
    KafkaConsumerMetrics.of(registry, { cacheMs: 0 });
    const kafka = createKafka({ clientId: "kit-lag-test", brokers: testInfra().kafkaBrokers, logger });
    const topic = uniqueName("kit.lag");
    await ensureTopics(kafka, [topic, deadLetterTopic(topic)], 1);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    let open = false;
    const consumer = new EventConsumer({ kafka, groupId: uniqueName("kit.lag.group"), topics: [topic], logger, deadLetterProducer: producer, metrics: registry, fromBeginning: true });
    consumer.on(eventTypes.userDisabled, async () => {
      await waitFor(() => open, { what: "the gate", timeoutMs: 60_000 });
    });
    try {
      const event = () => JSON.stringify(createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: randomUUID(), disabled_at: new Date().toISOString() } }));
      await producer.send({ topic, messages: Array.from({ length: 5 }, () => ({ key: "k", value: event() })) });
      await consumer.start();
      // The handler holds the first message: nothing is committed yet, and the group starts from the beginning.
      await waitFor(async () => sum(await samples(registry, CONSUMER_LAG_METRIC)) === 5, { what: "a lag of the 5 waiting messages" });
      open = true;
      await waitFor(async () => sum(await samples(registry, CONSUMER_LAG_METRIC)) === 0, { what: "the lag back to 0", timeoutMs: 20_000 });
    } finally {
      open = true;
      await consumer.stop();
      await producer.disconnect();
    }
  });
});
