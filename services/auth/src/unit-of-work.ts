import type { Knex } from "knex";
import { AccountMailRepository } from "./data/account-mail.repository";
import { AccountTokenRepository } from "./data/account-token.repository";
import { AuditLogRepository } from "./data/audit-log.repository";
import { IdentityRepository } from "./data/identity.repository";
import { RecoveryCodeRepository } from "./data/recovery-code.repository";
import { SessionRepository } from "./data/session.repository";
import { TotpAuthenticatorRepository } from "./data/totp-authenticator.repository";
import { UserRepository } from "./data/user.repository";
import type { AuthActivity } from "./domain/auth-activity.port";
import type { Repositories, UnitOfWork } from "./domain/unit-of-work.port";
import { AuthEventOutbox } from "./messaging/auth-event.outbox";

/**
 * The unit of work the use cases are given (domain/unit-of-work.port.ts): every repository and
 * the event outbox over one transaction. Wiring, so it sits beside app.ts: it is the one place
 * that puts data/ and messaging/ together.
 */
export function repositories(db: Knex | Knex.Transaction, authEventsTopic: string, activity?: AuthActivity): Repositories {
  return {
    users: new UserRepository(db),
    sessions: new SessionRepository(db),
    identities: new IdentityRepository(db),
    audit: new AuditLogRepository(db),
    events: new AuthEventOutbox(db, authEventsTopic, activity),
    accountMails: new AccountMailRepository(db),
    accountTokens: new AccountTokenRepository(db),
    totpAuthenticators: new TotpAuthenticatorRepository(db),
    recoveryCodes: new RecoveryCodeRepository(db),
  };
}

export function unitOfWork(knex: Knex, authEventsTopic: string, activity?: AuthActivity): UnitOfWork {
  return (work) => knex.transaction((trx) => work(repositories(trx, authEventsTopic, activity)));
}
