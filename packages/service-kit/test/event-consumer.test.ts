import { deadLetterTopic, eventTypes } from "@tollgate/contracts";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import { randomUUID } from "node:crypto";
import { createEvent, EventConsumer } from "../src";
import { eventsFixture } from "./events-support";

describe("EventConsumer", () => {
  it("when a malformed message arrives, then it lands in the DLQ and the consumer goes on with the next", async () => {
    const fx = await eventsFixture();
    const dlq = await new EventCollector([deadLetterTopic(fx.topic)]).start();
    const handled: string[] = [];
    const consumer = new EventConsumer({ kafka: fx.kafka, groupId: `${fx.topic}.dlq-test`, topics: [fx.topic], logger: fx.logger, deadLetterProducer: fx.producer, fromBeginning: true });
    consumer.on(eventTypes.userDisabled, async (event) => {
      handled.push(event.data.user_id);
    });
    try {
      const userId = randomUUID();
      const good = createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: userId, disabled_at: new Date().toISOString() } });
      const badPayload = createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: "not-a-uuid" } });
      const otherType = createEvent({ source: "/test", type: "tollgate.something.else.v1", data: {} });
      await fx.producer.send({
        topic: fx.topic,
        messages: [
          { key: "k", value: "{ this is not json" },
          { key: "k", value: JSON.stringify({ hello: "world" }) },
          { key: "k", value: JSON.stringify(badPayload) },
          { key: "k", value: JSON.stringify(otherType) },
          { key: "k", value: JSON.stringify(good) },
        ],
      });
      await consumer.start();

      const dead = await dlq.waitForCount(3);
      expect(dead.map((message) => message.value)).toEqual(["{ this is not json", JSON.stringify({ hello: "world" }), JSON.stringify(badPayload)]);
      expect(dead[0]?.headers.dlq_reason).toBe("value is not JSON");
      expect(dead[2]?.headers.dlq_reason).toContain("user_id");
      await waitFor(() => handled.length === 1, { what: "the good event" });
      expect(handled).toEqual([userId]);
    } finally {
      await consumer.stop();
      await dlq.stop();
      await fx.close();
    }
  });

  it("when a handler fails and then succeeds, then the event is handled once and nothing is dead-lettered", async () => {
    const fx = await eventsFixture();
    const dlq = await new EventCollector([deadLetterTopic(fx.topic)]).start();
    let attempts = 0;
    const consumer = new EventConsumer({ kafka: fx.kafka, groupId: `${fx.topic}.retry-test`, topics: [fx.topic], logger: fx.logger, deadLetterProducer: fx.producer, fromBeginning: true, handlerRetryMs: 5_000 });
    consumer.on(eventTypes.userDisabled, async () => {
      attempts++;
      if (attempts < 3) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    });
    try {
      await fx.producer.send({ topic: fx.topic, messages: [{ key: "k", value: JSON.stringify(createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: randomUUID(), disabled_at: new Date().toISOString() } })) }] });
      await consumer.start();
      await waitFor(() => attempts === 3, { what: "the third attempt" });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(attempts).toBe(3);
      expect(dlq.messages).toHaveLength(0);
    } finally {
      await consumer.stop();
      await dlq.stop();
      await fx.close();
    }
  });

  it("when a handler keeps failing past handlerRetryMs, then the event goes to the DLQ with reason handler_failed and the consumer goes on", async () => {
    const fx = await eventsFixture();
    const dlq = await new EventCollector([deadLetterTopic(fx.topic)]).start();
    const handled: string[] = [];
    const consumer = new EventConsumer({ kafka: fx.kafka, groupId: `${fx.topic}.dlq-handler-test`, topics: [fx.topic], logger: fx.logger, deadLetterProducer: fx.producer, fromBeginning: true, handlerRetryMs: 1_000 });
    const [failing, next] = [randomUUID(), randomUUID()];
    consumer.on(eventTypes.userDisabled, async (event) => {
      if (event.data.user_id === failing) throw new Error("redis evict failed");
      handled.push(event.data.user_id);
    });
    try {
      const bad = createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: failing, disabled_at: new Date().toISOString() } });
      const good = createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: next, disabled_at: new Date().toISOString() } });
      await fx.producer.send({ topic: fx.topic, messages: [{ key: "k", value: JSON.stringify(bad) }, { key: "k", value: JSON.stringify(good) }] });
      await consumer.start();
      const [dead] = await dlq.waitForCount(1);
      expect(dead?.value).toBe(JSON.stringify(bad));
      expect(dead?.headers.dlq_reason).toBe("handler failed: redis evict failed");
      await waitFor(() => handled.length === 1, { what: "the next event" });
      expect(handled).toEqual([next]);
    } finally {
      await consumer.stop();
      await dlq.stop();
      await fx.close();
    }
  });

  it("when the consumer is in its group and fetching, then it is ready; before it starts and after it stops, it is not", async () => {
    const fx = await eventsFixture();
    const consumer = new EventConsumer({ kafka: fx.kafka, groupId: `${fx.topic}.ready-test`, topics: [fx.topic], logger: fx.logger, deadLetterProducer: fx.producer, staleAfterMs: 2_000 });
    try {
      await expect(consumer.ready()).rejects.toThrow("consumer not running");
      await consumer.start();
      await consumer.joined();
      await waitFor(async () => (await consumer.ready().then(() => true, () => false)), { what: "readiness" });
      await consumer.stop();
      await expect(consumer.ready()).rejects.toThrow("consumer not running");
    } finally {
      await consumer.stop();
      await fx.close();
    }
  });

  it("when a group that starts from now is away before it handled anything, then events sent meanwhile are handled when it is back", async () => {
    const fx = await eventsFixture();
    const handled: string[] = [];
    const consumer = () =>
      new EventConsumer({ kafka: fx.kafka, groupId: `${fx.topic}.resume-test`, topics: [fx.topic], logger: fx.logger, deadLetterProducer: fx.producer }).on(eventTypes.userDisabled, async (event) => {
        handled.push(event.data.user_id);
      });
    const first = consumer();
    let second: EventConsumer | undefined;
    try {
      await first.start();
      await first.joined();
      await first.stop();
      const userId = randomUUID();
      await fx.producer.send({ topic: fx.topic, messages: [{ key: "k", value: JSON.stringify(createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: userId, disabled_at: new Date().toISOString() } })) }] });
      second = consumer();
      await second.start();
      await waitFor(() => handled.length === 1, { what: "the event sent while the group was away" });
      expect(handled).toEqual([userId]);
    } finally {
      await first.stop();
      await second?.stop();
      await fx.close();
    }
  });
});
