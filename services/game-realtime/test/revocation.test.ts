import { randomUUID } from "node:crypto";
import { eventTypes, topics, type SessionRevokedV1, type UserDisabledV1 } from "@tollgate/contracts";
import { createEvent, createKafka, namespacedTopic } from "@tollgate/service-kit";
import { testInfra, uniqueName } from "@tollgate/test-harness";
import type { Producer } from "kafkajs";
import { quietLogger, startInstance, type TestInstance } from "./support/instance";
import { TestTokenIssuer } from "./support/tokens";
import { TestSocket } from "./support/ws-client";

describe("revocation over Kafka", () => {
  const namespace = uniqueName("game").replace(/[^A-Za-z0-9._-]/g, "");
  const topic = namespacedTopic(namespace, topics.authEvents);
  let issuer: TestTokenIssuer;
  let one: TestInstance;
  let two: TestInstance;
  let producer: Producer;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    one = await startInstance(issuer, { kafkaNamespace: namespace });
    two = await startInstance(issuer, { kafkaNamespace: namespace });
    producer = createKafka({ clientId: "auth-test-producer", brokers: testInfra().kafkaBrokers, logger: quietLogger() }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await one.stop();
    await two.stop();
    await issuer.stop();
  });

  async function publish(type: string, key: string, data: SessionRevokedV1 | UserDisabledV1): Promise<void> {
    const event = createEvent({ source: "/tollgate/auth", type, subject: key, data });
    await producer.send({ topic, messages: [{ key, value: JSON.stringify(event) }] });
  }

  it("when the session is revoked (logout), then that session's sockets on every instance close with SESSION_REVOKED and other sessions stay", async () => {
    const alice = issuer.user();
    const otherSession = issuer.sign({ sub: alice.userId, sid: randomUUID() });
    const onOne = await TestSocket.connect(one.wsUrl, alice.token);
    const onTwo = await TestSocket.connect(two.wsUrl, alice.token);
    const survivor = await TestSocket.connect(one.wsUrl, otherSession);

    const sentAt = Date.now();
    await publish(eventTypes.sessionRevoked, alice.userId, {
      session_id: alice.sessionId,
      user_id: alice.userId,
      reason: "logout",
      revoked_at: new Date().toISOString(),
    });
    for (const socket of [onOne, onTwo]) {
      expect(await socket.next("auth_error", { timeoutMs: 15_000 })).toMatchObject({ code: "SESSION_REVOKED" });
      expect(await socket.closed).toBe(4401);
    }
    const delay = Date.now() - sentAt;
    process.stdout.write(`session.revoked → both sockets closed in ${delay} ms\n`);
    expect(delay).toBeLessThan(15_000);
    expect(survivor.closeCode).toBeUndefined();

    // The revoked session's token is refused from now on, even though it has not expired.
    const retry = await TestSocket.open(two.wsUrl, { token: alice.token });
    expect((await retry.next("auth_error")).code).toBe("SESSION_REVOKED");
    survivor.close();
  });

  it("when a malformed event arrives before a revocation, then it is set aside and the revocation still closes the socket", async () => {
    const carol = issuer.user();
    const socket = await TestSocket.connect(one.wsUrl, carol.token);
    await producer.send({ topic, messages: [{ key: carol.userId, value: "{not a cloud event" }] });
    await publish(eventTypes.sessionRevoked, carol.userId, { session_id: carol.sessionId, user_id: carol.userId, reason: "logout", revoked_at: new Date().toISOString() });
    expect((await socket.next("auth_error", { timeoutMs: 15_000 })).code).toBe("SESSION_REVOKED");
  });

  it("when the user is disabled, then all of their sockets close with USER_DISABLED", async () => {
    const bob = issuer.user();
    const second = issuer.sign({ sub: bob.userId, sid: randomUUID() });
    const sockets = [await TestSocket.connect(one.wsUrl, bob.token), await TestSocket.connect(two.wsUrl, second)];
    await publish(eventTypes.userDisabled, bob.userId, { user_id: bob.userId, disabled_at: new Date().toISOString() });
    for (const socket of sockets) {
      expect((await socket.next("auth_error", { timeoutMs: 15_000 })).code).toBe("USER_DISABLED");
      expect(await socket.closed).toBe(4401);
    }
  });
});
