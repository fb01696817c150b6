import { eventTypes } from "@tollgate/contracts";
import { EventCollector, startDedicatedKafka, waitFor, type DedicatedKafka } from "@tollgate/test-harness";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { applyOnce, createEvent, EventConsumer, OUTBOX_CHANNEL, OutboxNotifier, outboxRow, OutboxRelay, writeToOutbox } from "../src";
import { DATABASE_URL, eventsFixture } from "./events-support";

type Fixture = Awaited<ReturnType<typeof eventsFixture>>;

function revokedEvent(tokenId: string) {
  return createEvent({
    source: "/tollgate/test",
    type: eventTypes.tokenRevoked,
    subject: tokenId,
    data: { token_id: tokenId, user_id: randomUUID(), token_sha256: "a".repeat(64), reason: "user_request", revoked_at: new Date().toISOString() },
  });
}

describe("outbox and relay", () => {
  let fx: Fixture;
  let collector: EventCollector;
  let stopConsumer: (() => Promise<void>) | undefined;
  let dedicated: DedicatedKafka | undefined;

  /** The outage test runs against a broker of its own, so stopping it disturbs nothing else. */
  async function setUp(brokers?: string[], pollIntervalMs?: number) {
    fx = await eventsFixture({ brokers, pollIntervalMs });
    collector = await new EventCollector([fx.topic], brokers).start();
  }

  afterEach(async () => {
    await stopConsumer?.();
    stopConsumer = undefined;
    await collector.stop();
    await fx.close();
    dedicated?.dispose();
    dedicated = undefined;
  });

  it("when the writing transaction commits, then the event reaches Kafka keyed by aggregate; when it rolls back, nothing is published", async () => {
    await setUp();
    const key = randomUUID();
    const rolledBack = revokedEvent(key);
    const committed = revokedEvent(key);
    await fx.knex
      .transaction(async (trx) => {
        await writeToOutbox(trx, { topic: fx.topic, key, event: rolledBack });
        throw new Error("business rule failed");
      })
      .catch(() => undefined);
    await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key, event: committed }));
    fx.relay.start();

    const [message] = await collector.waitForCount(1);
    expect(message?.key).toBe(key);
    expect(message?.headers.ce_type).toBe(eventTypes.tokenRevoked);
    expect(JSON.parse(message?.value ?? "{}").id).toBe(committed.id);
    // Same key, same partition: had the rolled-back event been published it would have come first.
    expect(collector.values().map((event) => event.id)).toEqual([committed.id]);
    expect(await fx.knex("outbox").where({ event_id: rolledBack.id }).first()).toBeUndefined();
    expect(await fx.knex("outbox").where({ event_id: committed.id }).whereNotNull("sent_at").first()).toBeDefined();
  });

  it("when the relay is warmed for its topic, then the topic's metadata is loaded before the first event and nothing is written to the topic", async () => {
    await setUp();
    const requests: string[] = [];
    fx.producer.on(fx.producer.events.REQUEST, ({ payload }) => requests.push(payload.apiName));
    await fx.relay.warm([fx.topic, fx.topic]);
    expect(requests.filter((name) => name === "Metadata")).toHaveLength(1);
    expect(requests).not.toContain("Produce");
    const admin = fx.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(fx.topic);
    await admin.disconnect();
    expect(ends.map((end) => end.high)).toEqual(ends.map(() => "0"));

    requests.length = 0;
    fx.relay.start();
    const tokenId = randomUUID();
    await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key: tokenId, event: revokedEvent(tokenId) }));
    expect((await collector.waitForCount(1))[0]?.key).toBe(tokenId);
    // The first publish went straight to the leader: no metadata round trip before it.
    expect(requests.slice(0, requests.indexOf("Produce") + 1)).toEqual(["Produce"]);
  });

  it("when events commit one after another while the relay is publishing, then each goes out on its notification, not on the next poll", async () => {
    // A poll a minute away: only notifications can get these events out within the wait below.
    await setUp(undefined, 60_000);
    fx.relay.start();
    await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key: "first", event: revokedEvent(randomUUID()) }));
    // The second of each pair commits while the relay is busy with the first: its notification
    // must not be lost, or it waits for the poll and the pair never completes in time.
    let messages = await collector.waitForCount(1);
    for (let pair = 0; pair < 20; pair++) {
      for (let i = 0; i < 2; i++) {
        const tokenId = randomUUID();
        await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key: tokenId, event: revokedEvent(tokenId) }));
      }
      messages = await collector.waitForCount(3 + pair * 2, { timeoutMs: 3_000 });
    }
    expect(new Set(messages.map((message) => JSON.parse(message.value ?? "{}").id)).size).toBe(41);
  });

  it("when two relays share one outbox, then every event is published once and those of one key keep their order", async () => {
    await setUp();
    const second = new OutboxRelay({ knex: fx.knex, producer: fx.producer, logger: fx.logger, listenUrl: DATABASE_URL, pollIntervalMs: 200 });
    fx.relay.start();
    second.start();
    try {
      const keys = ["key-a", "key-b", "key-c"];
      const written: Record<string, string[]> = { "key-a": [], "key-b": [], "key-c": [] };
      for (let i = 0; i < 90; i++) {
        const key = keys[i % keys.length] as string;
        const event = revokedEvent(randomUUID());
        written[key]?.push(event.id);
        await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key, event }));
      }
      const messages = await collector.waitForCount(90);
      // Let anything published twice arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(collector.messages).toHaveLength(90);
      for (const key of keys) {
        expect(messages.filter((message) => message.key === key).map((message) => JSON.parse(message.value ?? "{}").id)).toEqual(written[key]);
      }
    } finally {
      await second.stop({ flushTimeoutMs: 0 });
    }
  });

  it("when a relay stops in the middle of a backlog, then what it published is marked sent, the rest stays unsent, and the next relay sends each remaining event once", async () => {
    await setUp();
    const ids = Array.from({ length: 300 }, () => randomUUID());
    await fx.knex.transaction(async (trx) => {
      for (const id of ids) await writeToOutbox(trx, { topic: fx.topic, key: id, event: revokedEvent(id) });
    });
    // Small batches: the relay holds the next batch claimed while it marks the last one sent.
    const first = new OutboxRelay({ knex: fx.knex, producer: fx.producer, logger: fx.logger, listenUrl: DATABASE_URL, batchSize: 5 });
    first.start();
    await collector.waitForCount(20);
    await first.stop({ flushTimeoutMs: 0 });
    const sent = Number((await fx.knex("outbox").whereNotNull("sent_at").count<{ count: string }[]>({ count: "*" }))[0]?.count);
    // Let whatever the first relay published reach the collector before comparing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent).toBe(collector.messages.length);
    expect(sent).toBeLessThan(ids.length);

    fx.relay.start();
    const messages = await collector.waitForCount(ids.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collector.messages).toHaveLength(ids.length);
    expect(new Set(messages.map((message) => message.key))).toEqual(new Set(ids));
  });

  it("when the relay's connection is killed, then it reconnects and publishes what was written meanwhile", async () => {
    await setUp();
    fx.relay.start();
    await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key: "before", event: revokedEvent(randomUUID()) }));
    await collector.waitForCount(1);
    const killed = await fx.knex.raw<{ rows: unknown[] }>(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tollgate-outbox-relay'",
    );
    expect(killed.rows.length).toBeGreaterThan(0);
    await fx.knex.transaction((trx) => writeToOutbox(trx, { topic: fx.topic, key: "after", event: revokedEvent(randomUUID()) }));
    const messages = await collector.waitForCount(2, { timeoutMs: 15_000 });
    expect(messages.map((message) => message.key)).toEqual(["before", "after"]);
    await waitFor(async () => fx.capture.text().includes("outbox relay connection lost"), { what: "the lost connection to be logged" });
  });

  it("when rows are written without a notification, then a relay with a long poll leaves them until the notifier announces them after the commit", async () => {
    await setUp(undefined, 60_000);
    const notifier = new OutboxNotifier({ url: DATABASE_URL, logger: fx.logger });
    try {
      fx.relay.start();
      // Let the relay finish its first drain, so only a wake-up can make it look again.
      await waitFor(
        async () => {
          const relays = await fx.knex.raw<{ rows: unknown[] }>(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tollgate-outbox-relay' AND state = 'idle' AND query = 'COMMIT'",
          );
          return relays.rows.length > 0;
        },
        { what: "the relay's first drain" },
      );
      await fx.knex("outbox").insert(outboxRow({ topic: fx.topic, key: "quiet", event: revokedEvent(randomUUID()) }));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(collector.messages).toHaveLength(0);

      notifier.announce();
      const messages = await collector.waitForCount(1, { timeoutMs: 10_000 });
      expect(messages.map((message) => message.key)).toEqual(["quiet"]);
    } finally {
      await notifier.close();
    }
  });

  it("when the notifier is asked 200 times at once, then it sends one wake-up and one more after it, not 200", async () => {
    await setUp();
    const notifier = new OutboxNotifier({ url: DATABASE_URL, logger: fx.logger });
    const listener = new pg.Client({ connectionString: DATABASE_URL });
    let received = 0;
    try {
      await listener.connect();
      listener.on("notification", () => void received++);
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      for (let i = 0; i < 200; i++) notifier.announce();
      await waitFor(() => received >= 2, { what: "the two wake-ups" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received).toBe(2);
    } finally {
      await notifier.close();
      await listener.end();
    }
  });

  it("when Kafka is down while 500 events are written, then they wait; when it is back, all 500 arrive and a deduplicating consumer applies each once", async () => {
    dedicated = await startDedicatedKafka();
    const broker = dedicated;
    await setUp(broker.brokers);
    const consumer = new EventConsumer({ kafka: fx.kafka, groupId: `${fx.topic}.applier`, topics: [fx.topic], logger: fx.logger, deadLetterProducer: fx.producer, fromBeginning: true });
    consumer.on(eventTypes.tokenRevoked, async (event) => {
      await applyOnce(fx.knex, "applier", event.id, async (trx) => {
        await trx("applied_effects").insert({ event_id: event.id });
      });
    });
    await consumer.start();
    stopConsumer = () => consumer.stop();
    await consumer.joined();
    fx.relay.start();

    broker.stop();
    try {
      const events = Array.from({ length: 500 }, () => revokedEvent(randomUUID()));
      for (let i = 0; i < events.length; i += 50) {
        await fx.knex.transaction((trx) => writeToOutbox(trx, events.slice(i, i + 50).map((event) => ({ topic: fx.topic, key: event.subject ?? "", event }))));
      }
      await waitFor(async () => fx.capture.text().includes("outbox publish failed"), { timeoutMs: 30_000, what: "a failed publish" });
      const waiting = await fx.knex("outbox").whereNull("sent_at").count<{ count: string }[]>("* as count");
      expect(Number(waiting[0]?.count)).toBe(500);
    } finally {
      broker.start();
    }

    await collector.waitForCount(500, { timeoutMs: 90_000 });
    const ids = new Set(collector.values().map((event) => event.id));
    expect(ids.size).toBe(500);
    await waitFor(async () => Number((await fx.knex("applied_effects").count<{ count: string }[]>("* as count"))[0]?.count) >= 500, {
      timeoutMs: 60_000,
      what: "500 applied effects",
    });

    // Redeliver every event (at-least-once delivery): the consumer must not apply any twice.
    const sample = collector.messages.slice(0, 100);
    await fx.producer.send({ topic: fx.topic, messages: sample.map((message) => ({ key: message.key, value: message.value })) });
    await collector.waitForCount(600, { timeoutMs: 30_000 });
    await waitFor(
      async () => {
        const consumed = await fx.knex("processed_events").where({ consumer: "applier" }).count<{ count: string }[]>("* as count");
        return Number(consumed[0]?.count) === 500;
      },
      { what: "processed events to settle" },
    );
    // Give the duplicates time to pass through the handler, then check nothing was applied twice.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const perEvent = await fx.knex("applied_effects").select("event_id").count<{ event_id: string; count: string }[]>("* as count").groupBy("event_id");
    expect(perEvent).toHaveLength(500);
    expect(perEvent.every((row) => Number(row.count) === 1)).toBe(true);
  }, 240_000);
});
