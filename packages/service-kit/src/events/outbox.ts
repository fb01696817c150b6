import type { CloudEvent } from "@tollgate/contracts";
import type { Knex } from "knex";
import pg from "pg";
import type { Logger } from "../logger";
import type { Migration } from "../db/create-database";

export const OUTBOX_TABLE = "outbox";
/** Postgres delivers this notification when the writing transaction commits, waking the relay. */
export const OUTBOX_CHANNEL = "tollgate_outbox";

/** Add to a service's migration list to own an outbox. */
export const outboxMigration: Migration = {
  name: "0000_kit_outbox",
  up: async (knex) => {
    await knex.schema.createTable(OUTBOX_TABLE, (table) => {
      table.bigIncrements("seq").primary();
      table.uuid("event_id").notNullable().unique();
      table.text("topic").notNullable();
      table.text("message_key").notNullable();
      table.jsonb("payload").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("sent_at", { useTz: true }).nullable();
      table.integer("attempts").notNullable().defaultTo(0);
      table.text("last_error").nullable();
    });
    await knex.raw(`CREATE INDEX outbox_unsent_idx ON ${OUTBOX_TABLE} (seq) WHERE sent_at IS NULL`);
    await knex.raw(`CREATE INDEX outbox_sent_at_idx ON ${OUTBOX_TABLE} (sent_at) WHERE sent_at IS NOT NULL`);
  },
  down: async (knex) => knex.schema.dropTable(OUTBOX_TABLE),
};

export interface OutboxMessage {
  topic: string;
  /** Kafka key: the aggregate id, so events of one aggregate stay in order. */
  key: string;
  event: CloudEvent;
}

/** The outbox row of a message: the one place a message is serialised for the relay. */
export function outboxRow({ topic, key, event }: OutboxMessage): { event_id: string; topic: string; message_key: string; payload: string } {
  return { event_id: event.id, topic, message_key: key, payload: JSON.stringify(event) };
}

/**
 * Writes events in the caller's transaction: they are published if and only if it commits. The
 * insert and the relay's wake-up notification travel as one statement (Postgres holds the
 * notification until the commit).
 */
export async function writeToOutbox(trx: Knex.Transaction, messages: OutboxMessage | OutboxMessage[]): Promise<void> {
  const list = Array.isArray(messages) ? messages : [messages];
  if (list.length === 0) return;
  await trx.raw("WITH written AS (?) SELECT pg_notify(?, '')", [trx(OUTBOX_TABLE).insert(list.map(outboxRow)), OUTBOX_CHANNEL]);
}

/**
 * Runs `effect` once the outermost transaction around `trx` has committed, never if it rolls back:
 * for what must only count what happened, such as the counters of the events a transaction wrote.
 */
export function afterCommit(trx: Knex.Transaction, effect: () => void): void {
  let root = trx;
  while (root.parentTransaction) root = root.parentTransaction;
  root.executionPromise.then(effect, () => undefined);
}

/**
 * Wakes the relay after a commit, for writers on a hot path. A NOTIFY inside the writing
 * transaction holds Postgres's notification lock until that transaction's commit record is on
 * disk, so every notifying commit of the database waits behind the others: at 1,000 activations/s
 * bench/events in the token service saw up to 17 of 20 connections queued on it, until the pool
 * ran dry. Sent afterwards, on its own, the NOTIFY writes nothing and holds the lock for
 * microseconds. It goes over a connection of its own (behind the request pool's queue it arrived
 * hundreds of milliseconds late under load); at most one is in flight, and calls meanwhile fold
 * into one more, sent `minGapMs` (5) after the last, which is enough since the relay drains
 * everything unsent each time it wakes: under load about 200 wake-ups a second, not one per row. A
 * lost wake-up (the process dies between commit and NOTIFY, or the NOTIFY fails) costs one poll
 * interval of the relay.
 */
export class OutboxNotifier {
  private connection?: Promise<pg.Client>;
  private inFlight = false;
  private again = false;
  private closed = false;
  private readonly log: Logger;

  private readonly minGapMs: number;

  constructor(private readonly options: { url: string; logger: Logger; minGapMs?: number }) {
    this.log = options.logger.child({ component: "outbox-notifier" });
    this.minGapMs = options.minGapMs ?? 5;
  }

  /** Call once the transaction that wrote outbox rows has committed. Never throws, never waits. */
  announce(): void {
    if (this.closed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    const sentAt = Date.now();
    this.notify()
      .catch((error: unknown) => this.log.debug("outbox wake-up not sent; the relay's poll will find the rows", { error: String(error) }))
      .finally(() => {
        if (!this.again) {
          this.inFlight = false;
          return;
        }
        // Calls that came meanwhile get one more wake-up, no sooner than minGapMs after the last.
        this.again = false;
        const wait = this.minGapMs - (Date.now() - sentAt);
        const next = () => {
          this.inFlight = false;
          this.announce();
        };
        if (wait > 0) setTimeout(next, wait).unref();
        else next();
      });
  }

  /**
   * Opens the notifier's connection now rather than at the first commit after a start, whose
   * wake-up would otherwise wait for a connection to open. Throws what connecting throws.
   */
  async warm(): Promise<void> {
    if (this.closed) return;
    await (this.connection ??= this.connect());
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    await client?.end().catch(() => undefined);
  }

  private async notify(): Promise<void> {
    const client = await (this.connection ??= this.connect());
    await client.query("SELECT pg_notify($1, '')", [OUTBOX_CHANNEL]);
  }

  private connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.url, connectionTimeoutMillis: 3_000, application_name: "tollgate-outbox-notifier" });
    const forget = () => {
      if (this.connection === connected) this.connection = undefined;
      client.end().catch(() => undefined);
    };
    client.on("error", forget);
    const connected = client.connect().then(() => client);
    connected.catch(forget);
    return connected;
  }
}
