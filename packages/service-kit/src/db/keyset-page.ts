import type { PagePosition } from "@tollgate/contracts";
import type { Knex } from "knex";

/**
 * A row's `created_at` as the page position holds it: UTC, to the microsecond, so that the next
 * page starts exactly after it (a JavaScript Date keeps milliseconds only).
 */
export const SORT_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of `query` (which selects `SORT_AT AS sort_at`), newest first by `(created_at, id)`,
 * starting strictly after `after`. Asks for one row more than `limit` to know whether another
 * page follows; `next` is the last returned row's position then.
 */
export async function keysetPage<Row extends { id: string; sort_at: string }>(query: Knex.QueryBuilder, after: PagePosition | undefined, limit: number): Promise<{ rows: Row[]; next: PagePosition | undefined }> {
  if (after) query.whereRaw("(created_at, id) < (?::timestamptz, ?::uuid)", [after.at, after.id]);
  const rows = (await query.orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }]).limit(limit + 1)) as Row[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { at: last.sort_at, id: last.id } : undefined };
}
