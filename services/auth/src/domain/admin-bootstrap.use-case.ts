import type { Logger } from "@tollgate/service-kit";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";

/** What `BOOTSTRAP_ADMIN_EMAIL` did at this start. */
export type BootstrapOutcome = "promoted" | "admins_exist" | "not_found" | "unverified" | "disabled";

const warnings = {
  not_found: "no account has this address yet; register it, verify the address, and restart",
  unverified: "the account's address is not verified; verify it and restart",
  disabled: "the account is disabled",
} as const;

/**
 * `BOOTSTRAP_ADMIN_EMAIL`: at start, the account with that address becomes an admin, but only
 * while the deployment has no enabled admin, and only if the address is verified (its owner
 * proved it reaches them; anyone can register an unverified one). Once there is an admin it does
 * nothing, so it happens once: an account whose role an admin later removed is not promoted again
 * at the next start (and the last enabled admin cannot lose the role). Instances starting together
 * promote once (they take the admin-role lock in turn). Audited with the actor `system`.
 */
export class BootstrapAdminUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; logger: Logger }) {}

  /** Logs what it did (the user's id, never the address); an account not ready yet is a warning, not a failure to start. */
  async execute(email: string): Promise<{ outcome: BootstrapOutcome; userId?: string }> {
    const result = await this.promote(email);
    const log = this.deps.logger.child({ component: "bootstrap-admin" });
    const meta = { outcome: result.outcome, ...(result.userId ? { user_id: result.userId } : {}) };
    if (result.outcome === "promoted") log.info("BOOTSTRAP_ADMIN_EMAIL: the account is now an admin", meta);
    else if (result.outcome === "admins_exist") log.info("BOOTSTRAP_ADMIN_EMAIL: an enabled admin exists already; nothing to do", meta);
    else log.warn(`BOOTSTRAP_ADMIN_EMAIL: nobody promoted: ${warnings[result.outcome]}`, meta);
    return result;
  }

  private promote(email: string): Promise<{ outcome: BootstrapOutcome; userId?: string }> {
    return this.deps.uow(async ({ users, audit }) => {
      await users.lockAdminRoles();
      if ((await users.countActiveAdmins()) > 0) return { outcome: "admins_exist" };
      const found = await users.findAdminRecord({ email });
      if (!found) return { outcome: "not_found" };
      if (found.disabledAt) return { outcome: "disabled", userId: found.id };
      if (!found.emailVerifiedAt) return { outcome: "unverified", userId: found.id };
      await users.setRole(found.id, "admin");
      await audit.record({ userId: found.id, action: auditActions.roleGranted, actor: { type: "system" }, details: { role: "admin", via: "BOOTSTRAP_ADMIN_EMAIL" } });
      return { outcome: "promoted", userId: found.id };
    });
  }
}
