import { encodePageCursor, type AccessTokenClaims, type AdminUserListQuery, type AdminUserPage } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { Repositories } from "./unit-of-work.port";
import { byAdmin, toAdminUser } from "./admin-views";
import type { ClientInfo } from "./session-tokens";

/** An admin lists or searches users, newest first, a page at a time; every page read is audited. */
export class AdminListUsersUseCase {
  constructor(private readonly deps: { repos: Repositories }) {}

  async execute(admin: AccessTokenClaims, query: AdminUserListQuery, client: ClientInfo): Promise<AdminUserPage> {
    const { users, audit } = this.deps.repos;
    const page = await users.searchPage({ search: query.search, status: query.status, role: query.role }, query.cursor, query.limit);
    await audit.record({
      userId: null,
      action: auditActions.usersListed,
      ...byAdmin(admin, client),
      details: { search: query.search ?? null, status: query.status ?? null, role: query.role ?? null, first_page: query.cursor === undefined, returned: page.users.length },
    });
    return { users: page.users.map(toAdminUser), next_cursor: page.next ? encodePageCursor(page.next) : null };
  }
}
