import { createKafka, createLogger, ensureTopics, OutboxRelayThread } from "@tollgate/service-kit";
import { CaptureTransport, testInfra, uniqueName, waitFor } from "@tollgate/test-harness";
import { TOKEN_DATABASE_URL } from "./support/token-fixture";

describe("outbox relay thread", () => {
  it("when its thread ends on its own (here: no broker to connect to), then the failure is logged and a new thread is started", async () => {
    const capture = new CaptureTransport();
    const logger = createLogger({ service: "token-test", level: "debug", transports: [capture] });
    const relay = new OutboxRelayThread({
      databaseUrl: TOKEN_DATABASE_URL,
      clientId: "token-test-relay",
      // Nothing listens on port 1: the thread's producer cannot connect and the thread ends.
      brokers: ["127.0.0.1:1"],
      service: "token-test",
      logLevel: "error",
      restartDelayMs: 50,
      logger,
    });
    relay.start();
    try {
      const restarts = () => capture.lines.filter((line) => line.includes("outbox relay thread ended; starting it again")).length;
      expect(await waitFor(() => restarts() >= 2, { timeoutMs: 60_000, what: "two restarts" })).toBe(true);
      expect(capture.lines.find((line) => line.includes("starting it again"))).toContain('"exit_code":1');
      // No thread ever ran: the service must not call itself ready.
      const settled = await Promise.race([relay.ready().then(() => "ready"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 1_500))]);
      expect(settled).toBe("waiting");
    } finally {
      await relay.stop({ flushTimeoutMs: 0 });
    }
  }, 90_000);

  it("when its thread starts with a broker, then ready() resolves once the topic it writes to is warm, and the warm-up writes nothing to that topic", async () => {
    const logger = createLogger({ service: "token-test", level: "error" });
    const kafka = createKafka({ clientId: "token-test-warm", brokers: testInfra().kafkaBrokers, logger });
    const topic = uniqueName("token.relay-warm");
    await ensureTopics(kafka, [topic]);
    const relay = new OutboxRelayThread({ databaseUrl: TOKEN_DATABASE_URL, clientId: "token-test-relay", brokers: testInfra().kafkaBrokers, service: "token-test", logLevel: "error", logger, topics: [topic] });
    relay.start();
    try {
      await relay.ready();
      // Asked again while the thread runs, it answers at once.
      await relay.ready();
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      expect(ends.map((end) => end.high)).toEqual(ends.map(() => "0"));
    } finally {
      await relay.stop({ flushTimeoutMs: 0 });
    }
  }, 60_000);
});
