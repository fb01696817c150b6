import { encodePageCursor, type AccessTokenClaims, type AuditLogPage, type AuditLogQuery } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { Repositories } from "./unit-of-work.port";
import { byAdmin } from "./admin-views";
import type { ClientInfo } from "./session-tokens";

/** An admin reads the audit log, newest first, a page at a time; the read itself is audited (after the page is read, so it is not on it). */
export class SearchAuditLogsUseCase {
  constructor(private readonly deps: { repos: Repositories }) {}

  async execute(admin: AccessTokenClaims, query: AuditLogQuery, client: ClientInfo): Promise<AuditLogPage> {
    const page = await this.deps.repos.audit.search(query);
    const { cursor, limit, ...filters } = query;
    await this.deps.repos.audit.record({ userId: null, action: auditActions.auditLogRead, ...byAdmin(admin, client), details: { ...filters, first_page: cursor === undefined, limit, returned: page.entries.length } });
    return { entries: page.entries, next_cursor: page.next ? encodePageCursor(page.next) : null };
  }
}
