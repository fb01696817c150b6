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
});
