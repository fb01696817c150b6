import { randomUUID } from "node:crypto";
import type { RegisterRequest, UserResponse } from "@tollgate/contracts";
import { DuplicateUserError } from "./user.repository.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { auditActions } from "./audit-log.port";
import { AlreadyRegisteredError, ReservedUsernameError, WeakPasswordError } from "./auth-errors";
import type { PasswordHasher } from "./password-hasher";
import { isReservedUsername, type PasswordPolicy } from "./password-policy";
import { toUserResponse, type ClientInfo } from "./session-tokens";

export class RegisterUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; hasher: PasswordHasher; policy: PasswordPolicy }) {}

  async execute(input: RegisterRequest, client: ClientInfo): Promise<UserResponse> {
    const email = input.email.toLowerCase();
    if (isReservedUsername(input.username)) throw new ReservedUsernameError();
    const verdict = await this.deps.policy.check(input.password, { email, username: input.username });
    if (!verdict.ok) throw new WeakPasswordError("password", verdict.reason);
    const passwordHash = await this.deps.hasher.hash(input.password);
    return this.deps.uow(async ({ users, audit, accountMails, events }) => {
      // The unique indexes decide a race between two registrations, not a prior read.
      const user = await users.insert({ id: randomUUID(), email, username: input.username, passwordHash }).catch((error: unknown) => {
        throw error instanceof DuplicateUserError ? new AlreadyRegisteredError(error.field) : error;
      });
      await audit.record({ userId: user.id, action: auditActions.register, ip: client.ip, userAgent: client.userAgent });
      await events.userRegistered(user);
      // Sent by the mail relay once this commits; the account may sign in meanwhile.
      await accountMails.enqueue({ kind: "email_verification", userId: user.id, email: user.email }, new Date());
      return toUserResponse(user);
    });
  }
}
