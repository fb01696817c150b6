import { randomUUID } from "node:crypto";
import type { AdminUser } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import { DuplicateUserError } from "./user.repository.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { toAdminUser } from "./admin-views";
import { AccountDisabledError, AlreadyRegisteredError, ReservedUsernameError, UserNotFoundError, WeakPasswordError } from "./auth-errors";
import type { PasswordHasher } from "./password-hasher";
import { isReservedUsername, type PasswordPolicy } from "./password-policy";

/** Who ran the command, for the audit log (its actor is `cli`): the operating-system account and host. */
export interface Operator {
  osUser: string;
  host: string;
}

export type CreateAdminOutcome = { outcome: "promoted" | "already_admin" | "created"; user: AdminUser };

/**
 * The `create-admin` command: the account with an e-mail becomes an admin, without SQL. Running
 * it again changes nothing. An account that does not exist yet is created (with a password that
 * passes the same policy as registration) and made an admin in one transaction, so an empty
 * database gets exactly one admin. Every change is audited with the actor `cli`.
 */
export class CreateAdminUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; hasher: PasswordHasher; policy: PasswordPolicy }) {}

  /** Throws USER_NOT_FOUND when no account has this e-mail (then `create` it), ACCOUNT_DISABLED for a disabled one. */
  async promote(email: string, operator: Operator): Promise<CreateAdminOutcome> {
    return this.deps.uow(async ({ users, audit }) => {
      const found = await users.findAdminRecord({ email });
      if (!found) throw new UserNotFoundError();
      // Enabling a disabled account is a decision of its own, not a side effect of this command.
      if (found.disabledAt) throw new AccountDisabledError();
      if (!(await users.setRole(found.id, "admin"))) return { outcome: "already_admin", user: toAdminUser(found) };
      await audit.record({ userId: found.id, action: auditActions.roleGranted, actor: { type: "cli" }, details: { role: "admin", via: "create-admin", os_user: operator.osUser, host: operator.host } });
      return { outcome: "promoted", user: toAdminUser({ ...found, role: "admin" }) };
    });
  }

  async create(input: { email: string; username: string; password: string }, operator: Operator): Promise<CreateAdminOutcome> {
    const email = input.email.toLowerCase();
    if (isReservedUsername(input.username)) throw new ReservedUsernameError();
    const verdict = await this.deps.policy.check(input.password, { email, username: input.username });
    if (!verdict.ok) throw new WeakPasswordError("password", verdict.reason);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const details = { via: "create-admin", os_user: operator.osUser, host: operator.host };
    return this.deps.uow(async ({ users, audit, events }) => {
      const user = await users.insert({ id: randomUUID(), email, username: input.username, passwordHash }).catch((error: unknown) => {
        throw error instanceof DuplicateUserError ? new AlreadyRegisteredError(error.field) : error;
      });
      await users.setRole(user.id, "admin");
      await audit.record({ userId: user.id, action: auditActions.register, actor: { type: "cli" }, details });
      await audit.record({ userId: user.id, action: auditActions.roleGranted, actor: { type: "cli" }, details: { role: "admin", ...details } });
      // Like a sign-up: other services' directories (game invitations by name) learn the account.
      await events.userRegistered(user);
      const created = await users.findAdminRecord({ id: user.id });
      if (!created) throw new UserNotFoundError();
      return { outcome: "created", user: toAdminUser(created) };
    });
  }
}
