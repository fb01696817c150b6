import path from "node:path";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import type { Logger } from "../logger";

/** What the relay's thread is started with (structured-cloned into it, and checked there). */
export const relayThreadSettingsSchema = z.object({
  databaseUrl: z.string().min(1),
  clientId: z.string().min(1),
  brokers: z.array(z.string().min(1)).min(1),
  service: z.string().min(1),
  logLevel: z.string().min(1),
  pollIntervalMs: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().optional(),
  retentionHours: z.number().positive().optional(),
  /** The topics the service's outbox writes to: their metadata is loaded before the thread reports running (`OutboxRelay.warm`). */
  topics: z.array(z.string().min(1)).optional(),
});
export type RelayThreadSettings = z.infer<typeof relayThreadSettingsSchema>;

export interface OutboxRelayThreadOptions extends RelayThreadSettings {
  logger: Logger;
  /** Wait before starting a thread again after it ended on its own (default 1 s). */
  restartDelayMs?: number;
}

/** Main → thread: stop after one last drain bounded by `flushTimeoutMs`. */
export interface RelayThreadStop {
  type: "stop";
  flushTimeoutMs: number;
}

/** Thread → main: the producer is connected, the relay is warm (`OutboxRelay.warm`) and runs. */
export interface RelayThreadEvent {
  type: "running";
}

/** Compiled, the thread runs the sibling .js file; from TypeScript sources (tests) it goes through tsx. */
function startWorker(workerData: RelayThreadSettings): Worker {
  if (!__filename.endsWith(".ts")) return new Worker(path.join(__dirname, "outbox-relay-worker.js"), { workerData });
  const register = JSON.stringify(require.resolve("tsx/cjs"));
  const source = JSON.stringify(path.join(__dirname, "outbox-relay-worker.ts"));
  return new Worker(`require(${register}); require(${source});`, { eval: true, workerData });
}

/**
 * Runs an `OutboxRelay`, with its own Postgres connections and Kafka producer, on a thread of its
 * own. A relay on the request thread waits behind every request in the event loop's queue: at
 * 1,000 activations/s bench/events in the token service measured commit → consumer p50 34–42 ms
 * with the relay beside the requests and 6–7 ms with it apart. A thread that ends unexpectedly is
 * logged and started again; the outbox keeps every row meanwhile.
 */
export class OutboxRelayThread {
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Whether the current thread has reported running. */
  private isRunning = false;
  private waiters: (() => void)[] = [];
  private readonly log: Logger;
  private readonly settings: RelayThreadSettings;

  constructor(private readonly options: OutboxRelayThreadOptions) {
    this.log = options.logger.child({ component: "outbox-relay-thread" });
    const { logger: _logger, restartDelayMs: _restartDelayMs, ...settings } = options;
    this.settings = relayThreadSettingsSchema.parse(settings);
  }

  start(): void {
    if (this.worker) return;
    this.stopping = false;
    this.spawn();
  }

  /**
   * Resolves once a thread is running: its producer connected, warm, and its relay publishing. At
   * once while the current thread runs; after a thread ended, when the next one (started again
   * after a pause) reports running. A service's readiness waits for it (issue 23: the first
   * second after ready must be as fast as the rest).
   */
  ready(): Promise<void> {
    if (this.isRunning) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Asks the thread to flush and stop; ends it outright if it has not within the flush time + 5 s. */
  async stop({ flushTimeoutMs = 5_000 }: { flushTimeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (worker) {
      const message: RelayThreadStop = { type: "stop", flushTimeoutMs };
      worker.postMessage(message);
      const deadline = setTimeout(() => void worker.terminate(), flushTimeoutMs + 5_000);
      await this.exited;
      clearTimeout(deadline);
    }
  }

  private spawn(): void {
    const worker = startWorker(this.settings);
    this.worker = worker;
    worker.on("message", (message: RelayThreadEvent) => {
      if (message.type !== "running" || this.worker !== worker) return;
      this.isRunning = true;
      for (const resolve of this.waiters.splice(0)) resolve();
    });
    worker.on("error", (error) => this.log.error("outbox relay thread failed", { error: error.message }));
    this.exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        this.worker = undefined;
        this.isRunning = false;
        resolve();
        if (this.stopping) return;
        this.log.error("outbox relay thread ended; starting it again", { exit_code: code });
        setTimeout(() => {
          if (!this.stopping && !this.worker) this.spawn();
        }, this.options.restartDelayMs ?? 1_000);
      });
    });
  }
}
