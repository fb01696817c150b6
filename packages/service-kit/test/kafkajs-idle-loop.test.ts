import { testInfra, uniqueName } from "@tollgate/test-harness";
import { createIdempotentProducer, createKafka, ensureTopics } from "../src";
import { captureLogger } from "./support";

/** setTimeout calls armed by kafkajs's `RequestQueue.scheduleCheckPendingRequests` while `during` runs. */
async function requestQueueTimers(during: () => Promise<void>): Promise<number> {
  const original = global.setTimeout;
  let count = 0;
  const counting = ((handler: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    if (new Error().stack?.includes("scheduleCheckPendingRequests")) count++;
    return original(handler, delay, ...args);
  }) as typeof setTimeout;
  global.setTimeout = counting;
  try {
    await during();
  } finally {
    global.setTimeout = original;
  }
  return count;
}

describe("kafkajs's idle timer loop (createKafka applies the fix)", () => {
  it("when a connected producer sits idle for a second, then its request queue arms no timers, and it still sends at once afterwards", async () => {
    const { logger } = captureLogger("kafkajs-idle");
    const kafka = createKafka({ clientId: "kit-idle", brokers: testInfra().kafkaBrokers, logger });
    const topic = uniqueName("kit.idle");
    await ensureTopics(kafka, [topic]);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: "warm" }] });
      // Unfixed, each broker connection re-arms a 1 ms timer for as long as it is open: hundreds a second.
      const timers = await requestQueueTimers(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
      expect(timers).toBe(0);
      const [sent] = await producer.send({ topic, messages: [{ value: "after idle" }] });
      expect(sent?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });
});
