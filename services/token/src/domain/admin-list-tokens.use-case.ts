import { encodePageCursor, type AdminTokenListQuery, type AdminTokenPage } from "@tollgate/contracts";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import type { TokenEventsPort } from "./token-events.port";
import { toAdminTokenItem, type AdminCaller } from "./admin-caller";

/**
 * An admin lists tokens (all, or one user's; by status), newest first, a page at a time. The read
 * is audited: an `audit.recorded` event (`tokens_listed`) for the auth service's audit log.
 */
export class AdminListTokensUseCase {
  constructor(
    private readonly tokens: AccessTokenRepositoryPort,
    private readonly events: TokenEventsPort,
  ) {}

  async execute(admin: AdminCaller, query: AdminTokenListQuery): Promise<AdminTokenPage> {
    const page = await this.tokens.page({ userId: query.user_id, status: query.status }, query.cursor, query.limit);
    const now = new Date();
    await this.tokens.transaction((tx) =>
      this.events.auditRecorded(tx, {
        actor_id: admin.userId,
        user_id: query.user_id ?? null,
        action: "tokens_listed",
        details: { status: query.status ?? null, first_page: query.cursor === undefined, returned: page.tokens.length },
        ip: admin.ip,
        user_agent: admin.userAgent,
        occurred_at: now.toISOString(),
      }),
    );
    return { tokens: page.tokens.map((token) => toAdminTokenItem(token, now)), next_cursor: page.next ? encodePageCursor(page.next) : null };
  }
}
