/**
 * The consuming side of bench/events, in a process of its own as every real consumer is (the
 * proxy, auth, game-realtime): it reports when each message reached its handler, in epoch
 * milliseconds, to the parent over IPC.
 *
 *   mode "raw":    a plain kafkajs consumer on the raw topic; message values are send times.
 *   mode "outbox": the service-kit EventConsumer on the token events topic; reports token ids.
 */
import { eventTypes } from "@tollgate/contracts";
import { createIdempotentProducer, createKafka, createLogger, EventConsumer } from "@tollgate/service-kit";
import { randomUUID } from "node:crypto";
import { z } from "zod";

const setupSchema = z.object({ mode: z.enum(["raw", "outbox"]), topic: z.string().min(1), brokers: z.array(z.string().min(1)).min(1) });
export type ConsumerSetup = z.infer<typeof setupSchema>;
/** [id, arrival epoch ms]; for raw messages the id is the send time. */
export type Arrival = [string, number];

const epochNow = () => performance.timeOrigin + performance.now();
const logger = createLogger({ service: "bench-consumer", level: "warn" });

async function main(setup: ConsumerSetup) {
  const kafka = createKafka({ clientId: "bench-consumer", brokers: setup.brokers, logger });
  let pending: Arrival[] = [];
  const flush = setInterval(() => {
    if (pending.length === 0) return;
    process.send?.({ kind: "arrivals", arrivals: pending });
    pending = [];
  }, 50);

  if (setup.mode === "raw") {
    const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: setup.topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async ({ message }) => void pending.push([message.value?.toString() ?? "", epochNow()]) });
    await joined;
    process.send?.({ kind: "ready" });
    process.once("message", () => void consumer.disconnect().then(() => stop(flush)));
    return;
  }

  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const consumer = new EventConsumer({ kafka, groupId: `bench-outbox-${randomUUID()}`, topics: [setup.topic], logger, deadLetterProducer: producer, fromBeginning: true });
  consumer.on(eventTypes.tokenActivated, async (event) => void pending.push([event.data.token_id, epochNow()]));
  await consumer.start();
  await consumer.joined();
  process.send?.({ kind: "ready" });
  process.once("message", () => void consumer.stop().then(() => producer.disconnect()).then(() => stop(flush)));
}

function stop(flush: NodeJS.Timeout) {
  clearInterval(flush);
  process.exit(0);
}

process.once("message", (message: unknown) => {
  main(setupSchema.parse(message)).catch((error: unknown) => {
    process.stderr.write(`bench consumer failed: ${String(error)}\n`);
    process.exit(1);
  });
});
