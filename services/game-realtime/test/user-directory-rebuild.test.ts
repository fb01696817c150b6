import { randomUUID } from "node:crypto";
import { eventTypes, topics, type UserRegisteredV1 } from "@tollgate/contracts";
import { createEvent, createKafka, namespacedTopic } from "@tollgate/service-kit";
import { testDatabaseUrl, testInfra, uniqueName, waitFor } from "@tollgate/test-harness";
import type { Kafka, Producer } from "kafkajs";
import { UserDirectoryRepository } from "../src/data/user-directory.repository";
import { directoryGroupId, rebuildDirectoryIfEmpty } from "../src/messaging/user-directory.consumer";
import { quietLogger, startInstance } from "./support/instance";
import { TestTokenIssuer } from "./support/tokens";

/** A database of this test's own: it empties the directory, which other tests' databases must keep. */
const REBUILD_DATABASE_URL = testDatabaseUrl("tollgate_game_rebuild_test");

describe("the user directory rebuilt from the topic", () => {
  const namespace = uniqueName("game-rebuild").replace(/[^A-Za-z0-9._-]/g, "");
  const topic = namespacedTopic(namespace, topics.authEvents);
  let issuer: TestTokenIssuer;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    kafka = createKafka({ clientId: "game-rebuild-test", brokers: testInfra().kafkaBrokers, logger: quietLogger() });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await issuer.stop();
  });

  it("when an instance starts with an empty directory after the group consumed the topic, then the group restarts from the earliest event and the directory fills again", async () => {
    const userId = randomUUID();
    const username = `early_${userId.slice(0, 8)}`;
    const data: UserRegisteredV1 = { user_id: userId, username, registered_at: new Date().toISOString() };
    const first = await startInstance(issuer, { kafkaNamespace: namespace, directory: true });
    try {
      await producer.send({ topic, messages: [{ key: userId, value: JSON.stringify(createEvent({ source: "/tollgate/auth", type: eventTypes.userRegistered, subject: userId, data })) }] });
      await waitFor(async () => (await first.knex("user_directory").where({ user_id: userId }).first()) !== undefined, { what: "the user in the first directory", timeoutMs: 30_000 });
    } finally {
      await first.stop();
    }
    // The shared group has moved past the event: a consumer resuming there would never see it again.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: directoryGroupId(namespace), topics: [topic] });
      expect(committed?.partitions.some((partition) => Number(partition.offset) > 0)).toBe(true);
    } finally {
      await admin.disconnect();
    }

    const second = await startInstance(issuer, { kafkaNamespace: namespace, databaseUrl: REBUILD_DATABASE_URL });
    try {
      await second.knex("user_directory").delete();
      await second.startDirectory();
      await second.directoryConsumer?.joined();
      const entry = await waitFor(async () => second.knex("user_directory").where({ user_id: userId }).first(), { what: "the user in the rebuilt directory", timeoutMs: 20_000 });
      expect(entry).toMatchObject({ username });
      // Not empty any more: the next start leaves the group's offsets alone.
      await second.directoryConsumer?.stop();
      expect(await rebuildDirectoryIfEmpty({ kafka, topicNamespace: namespace, directory: new UserDirectoryRepository(second.knex), logger: quietLogger() })).toBe(false);
    } finally {
      await second.stop();
    }
  });
});
