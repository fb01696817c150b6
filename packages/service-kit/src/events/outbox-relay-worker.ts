/** The body of `OutboxRelayThread`: one relay with its own pool, producer and logger. */
import { parentPort, workerData } from "node:worker_threads";
import { createDatabase } from "../db/create-database";
import { createLogger } from "../logger";
import { createIdempotentProducer, createKafka } from "./kafka";
import { OutboxRelay } from "./outbox-relay";
import { relayThreadSettingsSchema, type RelayThreadEvent, type RelayThreadStop } from "./outbox-relay-thread";

async function main(): Promise<void> {
  const settings = relayThreadSettingsSchema.parse(workerData);
  const logger = createLogger({ service: settings.service, level: settings.logLevel });
  // Its pool only serves the relay's clean-up of sent rows (at most once a minute).
  const knex = createDatabase({ url: settings.databaseUrl, logger, pool: { max: 1 } });
  const producer = createIdempotentProducer(createKafka({ clientId: settings.clientId, brokers: settings.brokers, logger }));
  const relay = new OutboxRelay({
    knex,
    producer,
    logger,
    listenUrl: settings.databaseUrl,
    pollIntervalMs: settings.pollIntervalMs,
    batchSize: settings.batchSize,
    retentionHours: settings.retentionHours,
  });
  parentPort?.once("message", (message: RelayThreadStop) => {
    void (async () => {
      await relay.stop({ flushTimeoutMs: message.flushTimeoutMs });
      await producer.disconnect().catch(() => undefined);
      await knex.destroy().catch(() => undefined);
      process.exit(0);
    })();
  });
  // A producer that cannot connect (or warm) ends the thread; the main thread starts another after a pause.
  await producer.connect();
  await relay.warm(settings.topics ?? []);
  relay.start();
  const running: RelayThreadEvent = { type: "running" };
  parentPort?.postMessage(running);
}

main().catch((error: unknown) => {
  process.stderr.write(`outbox relay thread failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
