import type { AdminTokenItem } from "@tollgate/contracts";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import type { TokenEventsPort } from "./token-events.port";
import { toAdminTokenItem, type AdminCaller } from "./admin-caller";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import { TokenNotFoundError } from "./token-errors";

/**
 * An admin revokes any user's token: `token.revoked` (every proxy drops it and closes its tunnels)
 * and `audit.recorded` (`token_revoked`, for the audit log) in the transaction of the change.
 * Revoking a revoked token again returns it and emits nothing.
 */
export class AdminRevokeTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepositoryPort,
    private readonly events: TokenEventsPort,
    private readonly activity: TokenActivity = untrackedTokenActivity,
  ) {}

  async execute(admin: AdminCaller, id: string, reason?: string): Promise<AdminTokenItem> {
    let changed = false;
    const token = await this.tokens.transaction(async (tx) => {
      const existing = await this.tokens.findById(id, tx, { forUpdate: true });
      if (!existing) throw new TokenNotFoundError();
      const revoked = await this.tokens.revoke(tx, id, reason ?? "admin");
      if (!revoked?.revokedAt) return existing;
      await this.events.revoked(tx, revoked);
      await this.events.auditRecorded(
        tx,
        {
          actor_id: admin.userId,
          user_id: revoked.userId,
          action: "token_revoked",
          details: { token_id: revoked.id, reason: revoked.revokeReason },
          ip: admin.ip,
          user_agent: admin.userAgent,
          occurred_at: revoked.revokedAt.toISOString(),
        },
        revoked.id,
      );
      changed = true;
      return revoked;
    });
    if (changed) this.activity.revoked("admin", 1);
    return toAdminTokenItem(token, new Date());
  }
}
