import { createLogger, OutboxRelayThread } from "@tollgate/service-kit";
import { CaptureTransport, waitFor } from "@tollgate/test-harness";
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
    } finally {
      await relay.stop({ flushTimeoutMs: 0 });
    }
  }, 90_000);
});
