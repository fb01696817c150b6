import type { Producer } from "kafkajs";
import type { Knex } from "knex";
import pg from "pg";
import type { Logger } from "../logger";
import { OUTBOX_CHANNEL, OUTBOX_TABLE } from "./outbox";

export interface OutboxRelayOptions {
  /**
   * Give the relay its own small pool (max 2), not the one serving requests: under load a shared
   * pool's queue delays every publish by the length of the queue.
   */
  knex: Knex;
  producer: Producer;
  logger: Logger;
  /** Connection string for the LISTEN connection that wakes the relay on commit. */
  listenUrl?: string;
  batchSize?: number;
  /** How often to look for rows when no notification arrives (a missed NOTIFY costs at most this). */
  pollIntervalMs?: number;
  /** Back-off after a failed publish: doubles from `minBackoffMs` up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Sent rows older than this are deleted. */
  retentionHours?: number;
}

interface OutboxRow {
  seq: string;
  topic: string;
  message_key: string;
  payload: unknown;
}

/** Any number fits; it only has to be the same for every instance of one service's relay. */
const RELAY_LOCK_KEY = 7_411_905;

/**
 * Publishes outbox rows to Kafka and marks them sent. Rows are claimed with FOR UPDATE SKIP
 * LOCKED, in `seq` order, under a transaction-level advisory lock so only one instance publishes
 * at a time and events of one key keep their order. A failed publish leaves the rows unsent and
 * backs off; nothing is dropped, however long Kafka is away.
 */
export class OutboxRelay {
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private backoffMs = 0;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  /** A commit was announced since the last drain began: the next pause returns at once. */
  private notified = false;
  private listener: pg.Client | undefined;
  private lastCleanup = 0;
  private lastWarnAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger.child({ component: "outbox-relay" });
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.minBackoffMs = options.minBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops after one last drain attempt bounded by `flushTimeoutMs`. */
  async stop({ flushTimeoutMs = 5_000 }: { flushTimeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    await this.closeListener();
    if (flushTimeoutMs > 0) {
      const deadline = Date.now() + flushTimeoutMs;
      while (Date.now() < deadline) {
        const sent = await this.drainOnce().catch(() => -1);
        if (sent <= 0) break;
      }
    }
  }

  /** Publishes one batch; returns how many rows were sent (0 when there was nothing or another instance holds the lock). */
  async drainOnce(): Promise<number> {
    this.notified = false;
    return this.options.knex.transaction(async (trx) => {
      // Marking rows sent need not wait for the disk: after a crash a row is published again,
      // which at-least-once consumers absorb. This keeps an fsync out of every relay cycle.
      const { rows: lockRows } = await trx.raw<{ rows: { locked: boolean }[] }>(
        "SELECT set_config('synchronous_commit', 'off', true), pg_try_advisory_xact_lock(?) AS locked",
        [RELAY_LOCK_KEY],
      );
      if (!lockRows[0]?.locked) return 0;
      const rows: OutboxRow[] = await trx(OUTBOX_TABLE)
        .select("seq", "topic", "message_key", "payload")
        .whereNull("sent_at")
        .orderBy("seq")
        .limit(this.batchSize)
        .forUpdate()
        .skipLocked();
      if (rows.length === 0) return 0;
      const seqs = rows.map((row) => row.seq);
      try {
        await this.options.producer.sendBatch({ topicMessages: groupByTopic(rows) });
      } catch (error) {
        await trx(OUTBOX_TABLE)
          .whereIn("seq", seqs)
          .update({ attempts: trx.raw("attempts + 1"), last_error: String(error instanceof Error ? error.message : error).slice(0, 1_000) });
        throw new RelayPublishError(rows.length, error);
      }
      await trx(OUTBOX_TABLE).whereIn("seq", seqs).update({ sent_at: trx.fn.now() });
      return rows.length;
    });
  }

  private async loop(): Promise<void> {
    await this.listen();
    while (!this.stopping) {
      let sent = 0;
      try {
        sent = await this.drainOnce();
        if (this.backoffMs > 0) this.log.info("publishing again after a failure");
        this.backoffMs = 0;
        await this.cleanup();
      } catch (error) {
        const first = this.backoffMs === 0;
        this.backoffMs = Math.min(this.maxBackoffMs, Math.max(this.minBackoffMs, this.backoffMs * 2));
        // Failures repeat every back-off while Kafka is down: log the first, then every 5 s at most.
        if (first || Date.now() - this.lastWarnAt > 5_000) this.warn("outbox publish failed; events kept, retrying", {
          retry_in_ms: this.backoffMs,
          error: error instanceof Error ? error.message : String(error),
        });
        await this.pause(this.backoffMs, false);
        continue;
      }
      if (sent < this.batchSize) await this.pause(this.pollIntervalMs, true);
      if (!this.listener && !this.stopping) await this.listen();
    }
  }

  private pause(ms: number, wakeOnNotify: boolean): Promise<void> {
    // A notification that came while the last drain ran may be for a row that drain did not see.
    if (wakeOnNotify && this.notified) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      // During a back-off only `stop` may cut the wait short; a new event must not.
      this.wake = wakeOnNotify ? finish : () => (this.stopping ? finish() : undefined);
    });
  }

  private warn(message: string, meta: Record<string, unknown>): void {
    this.lastWarnAt = Date.now();
    this.log.warn(message, meta);
  }

  private async listen(): Promise<void> {
    if (!this.options.listenUrl || this.listener) return;
    const client = new pg.Client({ connectionString: this.options.listenUrl, connectionTimeoutMillis: 3_000 });
    client.on("notification", () => {
      this.notified = true;
      this.wake?.();
    });
    client.on("error", (error) => {
      this.log.warn("outbox listen connection lost; polling until it is back", { error: error.message });
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      client.end().catch(() => undefined);
      this.log.warn("outbox listen failed; polling", { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async closeListener(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    const hours = this.options.retentionHours ?? 72;
    await this.options.knex(OUTBOX_TABLE).where("sent_at", "<", this.options.knex.raw(`now() - interval '${Math.floor(hours)} hours'`)).delete();
  }
}

export class RelayPublishError extends Error {
  constructor(count: number, cause: unknown) {
    super(`could not publish ${count} outbox events: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "RelayPublishError";
  }
}

function groupByTopic(rows: OutboxRow[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const row of rows) {
    const payload = typeof row.payload === "string" ? row.payload : JSON.stringify(row.payload);
    const event = JSON.parse(payload) as { id?: string; type?: string };
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({
      key: row.message_key,
      value: payload,
      headers: { "content-type": "application/cloudevents+json", ce_id: String(event.id), ce_type: String(event.type) },
    });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
