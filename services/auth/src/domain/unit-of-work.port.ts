import type { AccountMailRepositoryPort } from "./account-mail.repository.port";
import type { AccountTokenRepositoryPort } from "./account-token.repository.port";
import type { AuditLogPort } from "./audit-log.port";
import type { AuthEventsPort } from "./auth-events.port";
import type { IdentityRepositoryPort } from "./identity.repository.port";
import type { RecoveryCodes, TotpAuthenticators } from "./mfa/mfa.port";
import type { SessionRepositoryPort } from "./session.repository.port";
import type { UserRepositoryPort } from "./user.repository.port";

/** The repositories one transaction touches; use cases never see knex (src/unit-of-work.ts builds them). */
export interface Repositories {
  users: UserRepositoryPort;
  sessions: SessionRepositoryPort;
  identities: IdentityRepositoryPort;
  audit: AuditLogPort;
  events: AuthEventsPort;
  /** Verification and reset mails to send, and the tokens they carried. */
  accountMails: AccountMailRepositoryPort;
  accountTokens: AccountTokenRepositoryPort;
  totpAuthenticators: TotpAuthenticators;
  recoveryCodes: RecoveryCodes;
}

export type UnitOfWork = <T>(work: (repos: Repositories) => Promise<T>) => Promise<T>;
