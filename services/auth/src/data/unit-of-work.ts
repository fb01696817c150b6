import type { Knex } from "knex";
import type { AuthActivity } from "../domain/auth-activity.port";
import { AuthEventOutbox } from "../messaging/auth-event.outbox";
import { AccountMailRepository } from "./account-mail.repository";
import { AccountTokenRepository } from "./account-token.repository";
import { AuditLogRepository } from "./audit-log.repository";
import { IdentityRepository } from "./identity.repository";
import { RecoveryCodeRepository } from "./recovery-code.repository";
import { SessionRepository } from "./session.repository";
import { TotpAuthenticatorRepository } from "./totp-authenticator.repository";
import { UserRepository } from "./user.repository";

/** The repositories one transaction touches; use cases never see knex. */
export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  identities: IdentityRepository;
  audit: AuditLogRepository;
  events: AuthEventOutbox;
  /** Verification and reset mails to send, and the tokens they carried. */
  accountMails: AccountMailRepository;
  accountTokens: AccountTokenRepository;
  totpAuthenticators: TotpAuthenticatorRepository;
  recoveryCodes: RecoveryCodeRepository;
}

export type UnitOfWork = <T>(work: (repos: Repositories) => Promise<T>) => Promise<T>;

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
