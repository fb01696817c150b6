import type { Knex } from "knex";
import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../logger";
import { OUTBOX_TABLE } from "./outbox";

export const OUTBOX_UNSENT_METRIC = "tollgate_outbox_unsent_events";
export const OUTBOX_OLDEST_AGE_METRIC = "tollgate_outbox_oldest_unsent_age_seconds";

export interface OutboxBacklogOptions {
  /** How long a scrape waits for Postgres (default 1 s); past it both gauges read NaN (unknown) that scrape. */
  timeoutMs?: number;
  logger?: Logger;
}

type Backlog = { unsent: number; ageSeconds: number };

/**
 * Exposes the outbox's backlog in `registry`: `tollgate_outbox_unsent_events` (rows not yet
 * published) and `tollgate_outbox_oldest_unsent_age_seconds` (0 when there are none), read from
 * the table at scrape time with one `count(*)`/`min(created_at)` over the unsent rows (the
 * partial index `outbox_unsent_idx` holds only those), shared by both gauges. The table rather
 * than the relay's own counters: the relay may run on a worker thread (the token service's does),
 * whose registry nobody scrapes, and under another instance's advisory lock.
 */
export function exposeOutboxBacklog(registry: Registry, knex: Knex, options: OutboxBacklogOptions = {}): void {
  const timeoutMs = options.timeoutMs ?? 1_000;
  let inFlight: Promise<Backlog | undefined> | undefined;
  // A scrape collects both gauges at once: the second joins the first's query.
  const read = (): Promise<Backlog | undefined> =>
    (inFlight ??= readBacklog(knex, timeoutMs)
      .catch((error: unknown) => {
        options.logger?.debug("outbox backlog not read", { error: error instanceof Error ? error.message : String(error) });
        return undefined;
      })
      .finally(() => {
        inFlight = undefined;
      }));
  new Gauge({
    name: OUTBOX_UNSENT_METRIC,
    help: "Outbox rows not yet published to Kafka",
    registers: [registry],
    async collect() {
      const backlog = await read();
      // Unknown, not a stale or made-up number (prom-client always shows an unlabelled gauge).
      this.set(backlog ? backlog.unsent : Number.NaN);
    },
  });
  new Gauge({
    name: OUTBOX_OLDEST_AGE_METRIC,
    help: "Age of the oldest outbox row not yet published, in seconds (0 when none waits)",
    registers: [registry],
    async collect() {
      const backlog = await read();
      this.set(backlog ? backlog.ageSeconds : Number.NaN);
    },
  });
}

async function readBacklog(knex: Knex, timeoutMs: number): Promise<Backlog> {
  let timer: NodeJS.Timeout | undefined;
  const query = knex
    .raw<{ rows: { unsent: number; age_seconds: number }[] }>(
      `SELECT count(*)::int AS unsent, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age_seconds
         FROM ${OUTBOX_TABLE} WHERE sent_at IS NULL`,
    )
    .timeout(timeoutMs, { cancel: true });
  try {
    // The outer bound also covers waiting for a pooled connection.
    const result = await Promise.race([
      query,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const row = result.rows[0];
    return { unsent: row?.unsent ?? 0, ageSeconds: Math.max(0, row?.age_seconds ?? 0) };
  } finally {
    clearTimeout(timer);
  }
}
