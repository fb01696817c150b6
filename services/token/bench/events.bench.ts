/**
 * bench/events: how long an activation event takes from the committing transaction to a
 * consumer's handler, at a steady 1,000 events/s, beside a raw produce → consume loop measured in
 * the same run on the same broker (the floor any outbox design sits on).
 *
 *   npm run bench:events -w @tollgate/token-service            (defaults: 1000/s for 5 s)
 *   BENCH_RATE=1000 BENCH_SECONDS=10 npm run bench:events -w @tollgate/token-service
 *
 * Needs Postgres and Kafka on their local defaults (npm start brings them up).
 */
import { eventTypes, topics } from "@tollgate/contracts";
import {
  createDatabase,
  createIdempotentProducer,
  createKafka,
  createLogger,
  ensureDatabase,
  ensureTopics,
  EventConsumer,
  migrate,
  namespacedTopic,
  OutboxRelay,
} from "@tollgate/service-kit";
import { randomUUID } from "node:crypto";
import { Partitioners } from "kafkajs";
import { createTokenUseCases } from "../src/app";
import { tokenMigrations } from "../src/migrations";

const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const COUNT = RATE * SECONDS;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/tollgate_token_bench";
const BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

const logger = createLogger({ service: "bench", level: "warn" });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Calls `fire(i)` RATE times a second, COUNT times, without letting slow calls delay the schedule. */
async function paced(fire: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(fire(i));
  }
  await Promise.all(inFlight);
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rawLoop(kafka: ReturnType<typeof createKafka>, topic: string) {
  // The plainest loop: default producer settings, one send per message, no database.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const latencies: number[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({ eachMessage: async ({ message }) => void latencies.push(performance.now() - Number(message.value?.toString())) });
  await waitUntil(() => joined, 30_000, "raw consumer join");
  await paced(async (i) => {
    await producer.send({ topic, messages: [{ key: String(i % 64), value: String(performance.now()) }] });
  });
  await waitUntil(() => latencies.length >= COUNT, 60_000, "raw messages");
  await consumer.disconnect();
  await producer.disconnect();
  return summary(latencies);
}

async function outboxLoop(kafka: ReturnType<typeof createKafka>, namespace: string) {
  await ensureDatabase(DATABASE_URL);
  const knex = createDatabase({ url: DATABASE_URL, logger, pool: { max: 20 } });
  await migrate(knex, tokenMigrations);
  await knex("outbox").whereNull("sent_at").update({ sent_at: knex.fn.now() });
  const useCases = createTokenUseCases(knex, namespace, Number.MAX_SAFE_INTEGER);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  // The relay gets its own small pool, as in main.ts: request traffic must never starve it.
  const relayKnex = createDatabase({ url: DATABASE_URL, logger, pool: { max: 2 } });
  const relay = new OutboxRelay({ knex: relayKnex, producer, logger, listenUrl: DATABASE_URL });

  const userId = randomUUID();
  const tokens: string[] = [];
  for (let i = 0; i < COUNT; i++) tokens.push((await useCases.purchase.execute(userId, 1)).token);

  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = new EventConsumer({
    kafka,
    groupId: `bench-outbox-${randomUUID()}`,
    topics: [namespacedTopic(namespace, topics.tokenEvents)],
    logger,
    deadLetterProducer: producer,
    fromBeginning: true,
  });
  consumer.on(eventTypes.tokenActivated, async (event) => {
    const committed = committedAt.get(event.data.token_id);
    if (committed !== undefined) latencies.push(performance.now() - committed);
  });
  await consumer.start();
  await consumer.joined();
  relay.start();
  await paced(async (i) => {
    const granted = await useCases.validate.validate(tokens[i] ?? "");
    committedAt.set(granted.token_id, performance.now());
  });
  await waitUntil(() => latencies.length >= COUNT, 60_000, "activation events");
  await consumer.stop();
  await relay.stop({ flushTimeoutMs: 0 });
  await producer.disconnect();
  await relayKnex.destroy();
  await knex.destroy();
  return summary(latencies);
}

async function main() {
  const namespace = `bench-${Date.now().toString(36)}`;
  const kafka = createKafka({ clientId: "bench-events", brokers: BROKERS, logger });
  const rawTopic = `${namespace}.raw`;
  await ensureTopics(kafka, [rawTopic, namespacedTopic(namespace, topics.tokenEvents)]);

  console.log(`bench/events: ${COUNT} events at ${RATE}/s`);
  const raw = await rawLoop(kafka, rawTopic);
  const outbox = await outboxLoop(kafka, namespace);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`raw kafkajs produce → consume:       p50 ${fmt(raw.p50)}  p99 ${fmt(raw.p99)}  max ${fmt(raw.max)}  (n=${raw.n})`);
  console.log(`activation commit → consumer handler: p50 ${fmt(outbox.p50)}  p99 ${fmt(outbox.p99)}  max ${fmt(outbox.max)}  (n=${outbox.n})`);
  console.log(`ratio outbox/raw: p50 ${(outbox.p50 / raw.p50).toFixed(2)}x  p99 ${(outbox.p99 / raw.p99).toFixed(2)}x`);
  console.log(`goal p99 <= 50 ms: ${outbox.p99 <= 50 ? "met" : "NOT met"}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
