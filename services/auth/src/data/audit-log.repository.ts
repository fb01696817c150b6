import { randomUUID } from "node:crypto";
import type { AuditActorType, AuditLogEntry, AuditLogQuery, AuditRecordedV1, PagePosition } from "@tollgate/contracts";
import { keysetPage, SORT_AT } from "@tollgate/service-kit";
import type { Knex } from "knex";
import type { AuditLogPort, AuditRecord } from "../domain/audit-log.port";

interface AuditLogRow {
  id: string;
  user_id: string | null;
  actor_id: string | null;
  actor_type: AuditActorType | null;
  action: string;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  created_at: Date;
  sort_at: string;
}

export class AuditLogRepository implements AuditLogPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.db("audit_logs").insert({
      id: randomUUID(),
      user_id: entry.userId,
      actor_id: entry.actor?.type === "user" ? entry.actor.id : null,
      actor_type: entry.actor?.type ?? null,
      action: entry.action,
      ip: entry.ip ?? null,
      user_agent: entry.userAgent?.slice(0, 512) ?? null,
      details: JSON.stringify(entry.details ?? {}),
    });
  }

  /**
   * The entry another service sent as `audit.recorded`; `source` names that service. It is dated
   * when it arrives here (when it happened there is `details.occurred_at`), so it joins the log at
   * its newest end rather than behind pages a reader has already passed.
   */
  async recordFrom(source: string, eventId: string, record: AuditRecordedV1): Promise<void> {
    await this.db("audit_logs").insert({
      id: randomUUID(),
      user_id: record.user_id,
      actor_id: record.actor_id,
      actor_type: "user",
      action: record.action,
      ip: record.ip,
      user_agent: record.user_agent,
      details: JSON.stringify({ ...record.details, source, event_id: eventId, occurred_at: record.occurred_at }),
    });
  }

  /** Newest first, keyset-paged (see `keysetPage`); every filter of the query must match. */
  async search(query: AuditLogQuery): Promise<{ entries: AuditLogEntry[]; next: PagePosition | undefined }> {
    const builder = this.db("audit_logs").select("*", this.db.raw(`${SORT_AT} AS sort_at`));
    if (query.user_id) builder.where({ user_id: query.user_id });
    if (query.actor_id) builder.where({ actor_id: query.actor_id });
    if (query.actor_type) builder.where({ actor_type: query.actor_type });
    if (query.action) builder.where({ action: query.action });
    if (query.from) builder.where("created_at", ">=", query.from);
    if (query.to) builder.where("created_at", "<", query.to);
    const page = await keysetPage<AuditLogRow>(builder, query.cursor, query.limit);
    return { entries: page.rows.map(({ sort_at: _sortAt, ...row }) => ({ ...row, created_at: row.created_at.toISOString() })), next: page.next };
  }
}
