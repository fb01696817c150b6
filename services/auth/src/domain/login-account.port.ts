import type { User } from "./user.repository.port";

/** A user as a password login reads them: the account, and whether it must show a second factor. */
export interface LoginAccount extends User {
  /** The account has a confirmed authenticator (a pending enrolment does not count). */
  secondFactorRequired: boolean;
}

/** What a password login reads before it checks the password; data/login-account.repository.ts implements it. */
export interface LoginAccountReader {
  /** By e-mail or username, case-insensitive. */
  findByLogin(login: string): Promise<LoginAccount | undefined>;
}
