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
  /**
   * Connection string for the relay's own connection: it LISTENs there (commits wake it) and
   * publishes there (claim, then mark sent). `knex` only serves the clean-up of sent rows (at most once a minute, after a poll).
   */
  listenUrl: string;
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
  private connection: pg.Client | undefined;
  /** The next batch, claimed in the transaction open on `connection` by the last publish. */
  private claimed: OutboxRow[] | undefined;
  private lastCleanup = 0;
  private lastWarnAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger.child({ component: "outbox-relay" });
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.minBackoffMs = options.minBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  /**
   * Makes the first events after a start as fast as the rest: opens the relay's connection and
   * LISTENs, then has the producer load the metadata of `topics` (the topics this service's outbox
   * writes to). Without it the first publish to a topic first asks the broker for the topic's
   * partitions and leaders, on a producer and a connection nobody has used yet. The metadata is
   * loaded by a send of no messages, which writes nothing to the topic. Throws what the connection
   * or the broker throws; `start` works without it.
   */
  async warm(topics: string[]): Promise<void> {
    if (!this.connection) await this.connect();
    for (const topic of new Set(topics)) await this.options.producer.send({ topic, messages: [] });
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
    if (flushTimeoutMs > 0) {
      const deadline = Date.now() + flushTimeoutMs;
      while (Date.now() < deadline) {
        const sent = await this.drainOnce().catch(() => -1);
        if (sent <= 0) break;
      }
    }
    await this.closeConnection();
  }

  /** Publishes one batch; returns how many rows were sent (0 when there was nothing or another instance holds the lock). */
  async drainOnce(): Promise<number> {
    this.notified = false;
    const client = this.connection ?? (await this.connect());
    try {
      return await this.publishBatch(client);
    } catch (error) {
      // Leave no transaction open on a connection that is still there.
      if (!(error instanceof RelayPublishError)) await client.query("ROLLBACK").catch(() => this.dropConnection(client));
      throw error;
    }
  }

  /**
   * Two round trips a batch while events keep coming: the batch's publish, then one trip that
   * marks it sent, commits and claims the next batch in a new transaction. An event committed
   * while a batch is in flight waits for that batch's publish and one trip, not three (claim,
   * publish and mark, the earlier cycle). Marking rows sent need not wait for the disk: after a
   * crash a row is published again, which at-least-once consumers absorb. The CTE takes the lock
   * once per transaction.
   */
  private async publishBatch(client: pg.Client): Promise<number> {
    const rows = this.claimed ?? (await this.claim(client, ""));
    this.claimed = undefined;
    if (rows.length === 0) {
      await client.query("COMMIT");
      return 0;
    }
    // seq is a bigint column: digits only, safe to inline.
    const seqs = `'{${rows.map((row) => row.seq).join(",")}}'::bigint[]`;
    try {
      await this.options.producer.sendBatch({ topicMessages: groupByTopic(rows) });
    } catch (error) {
      const reason = String(error instanceof Error ? error.message : error).slice(0, 1_000);
      await client.query(`UPDATE ${OUTBOX_TABLE} SET attempts = attempts + 1, last_error = $1 WHERE seq = ANY(${seqs})`, [reason]);
      await client.query("COMMIT");
      throw new RelayPublishError(rows.length, error);
    }
    const next = await this.claim(client, `UPDATE ${OUTBOX_TABLE} SET sent_at = now() WHERE seq = ANY(${seqs}); COMMIT;`);
    // Nothing more yet: end the (empty) transaction now rather than idle inside it.
    if (next.length === 0 || this.stopping) await client.query("COMMIT");
    else this.claimed = next;
    return rows.length;
  }

  /** Runs `before`, then opens a transaction and claims the next batch in it (one round trip). */
  private async claim(client: pg.Client, before: string): Promise<OutboxRow[]> {
    const results = (await client.query(
      `${before} BEGIN; SET LOCAL synchronous_commit = off;
       WITH relay AS (SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) AS locked)
       SELECT o.seq, o.topic, o.message_key, o.payload FROM ${OUTBOX_TABLE} o, relay
        WHERE relay.locked AND o.sent_at IS NULL ORDER BY o.seq LIMIT ${this.batchSize}
        FOR UPDATE OF o SKIP LOCKED`,
    )) as unknown as pg.QueryResult<OutboxRow>[];
    return results[results.length - 1]?.rows ?? [];
  }

  private async loop(): Promise<void> {
    if (!this.connection) await this.connect().catch(() => undefined);
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
      if (sent < this.batchSize && !this.claimed) await this.pause(this.pollIntervalMs, true);
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

  /** Opens the relay's connection and LISTENs on it; drains fail (and back off) until it works. */
  private async connect(): Promise<pg.Client> {
    // Named, so operators (and tests) can find it in pg_stat_activity.
    const client = new pg.Client({ connectionString: this.options.listenUrl, connectionTimeoutMillis: 3_000, application_name: "tollgate-outbox-relay" });
    client.on("notification", () => {
      this.notified = true;
      this.wake?.();
    });
    client.on("error", (error) => {
      this.log.warn("outbox relay connection lost; reconnecting", { error: error.message });
      this.dropConnection(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    this.connection = client;
    return client;
  }

  private dropConnection(client: pg.Client): void {
    if (this.connection === client) {
      this.connection = undefined;
      this.claimed = undefined;
    }
    client.end().catch(() => undefined);
  }

  private async closeConnection(): Promise<void> {
    const client = this.connection;
    this.connection = undefined;
    this.claimed = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Deletes rows sent more than `retentionHours` (72) ago; runs at most once a minute. */
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
