import type { PagePosition, UserRole } from "@tollgate/contracts";

export interface User {
  id: string;
  email: string;
  username: string;
  role: UserRole;
  /** Null for accounts created through a sign-in provider that never set a password. */
  passwordHash: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  /**
   * When the password was last set by its owner (null: never since registration). Every change
   * moves it, so a login or a password change can tell, when it writes, whether the password it
   * checked is still the user's password. A rehash at login does not move it.
   */
  passwordChangedAt: Date | null;
  disabledAt: Date | null;
  /** When the address was proven to reach its owner (a verification link, a password reset, a provider that vouched); null while unproven. */
  emailVerifiedAt: Date | null;
}

export type NewUser = Pick<User, "id" | "email" | "username" | "passwordHash">;

/** A user as the administration API shows them. */
export interface AdminUserRecord {
  id: string;
  email: string;
  username: string;
  role: UserRole;
  hasPassword: boolean;
  emailVerifiedAt: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
}

/** Filters of the admin user list; all optional, all must match. */
export interface AdminUserFilter {
  /** A prefix of the e-mail or the username, case-insensitive. */
  search?: string;
  status?: "active" | "disabled";
  role?: UserRole;
}

/** Which unique constraint an insert broke. */
export class DuplicateUserError extends Error {
  constructor(readonly field: "email" | "username") {
    super(`duplicate ${field}`);
  }
}

/** The users table as the use cases need it; data/user.repository.ts implements it over knex. */
export interface UserRepositoryPort {
  /** Relies on the unique indexes, so two racing registrations cannot both succeed. */
  insert(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | undefined>;
  /** By e-mail (case-insensitive) or username (case-insensitive). */
  findByLogin(login: string): Promise<User | undefined>;
  /** By e-mail only (case-insensitive). */
  findByEmail(email: string): Promise<User | undefined>;
  /** Locks the user row for the rest of the transaction (serialises changes to how the user signs in). */
  lock(id: string): Promise<User | undefined>;
  /**
   * A new password: moves `password_changed_at`, to `at` or, if that is not later, one
   * millisecond past the stored value. Logins compare the value at millisecond precision (what a
   * JS Date carries), so two changes in the same millisecond, or a change made on an instance
   * whose clock is behind, must still leave a different value.
   */
  updatePassword(id: string, passwordHash: string, at: Date): Promise<void>;
  /**
   * The same password hashed at the current cost (rehash at login): not a password change, so
   * `password_changed_at` stays and logins in flight with the old hash still write their session.
   * Only while the stored hash is still `from`: a password changed meanwhile is not overwritten
   * by the old one's new hash, and of two logins rehashing at once the second changes nothing.
   */
  rehashPassword(id: string, from: string, to: string): Promise<boolean>;
  /** Returns false when the user does not exist or was already disabled. */
  disable(id: string, at: Date): Promise<boolean>;
  /**
   * Marks the address verified, if it still is `email` (case-insensitive) and was not verified
   * yet. Returns false otherwise: the account changed its address since the mail, or was verified.
   */
  markEmailVerified(id: string, email: string, at: Date): Promise<boolean>;
  /** By username only (case-insensitive, as registration treats them). */
  findByUsername(username: string): Promise<User | undefined>;
  /** One page of the admin list, newest first (see `keysetPage`). */
  searchPage(filter: AdminUserFilter, after: PagePosition | undefined, limit: number): Promise<{
    users: AdminUserRecord[];
    next: PagePosition | undefined;
  }>;
  /** By id, or by e-mail (case-insensitive). */
  findAdminRecord(where: {
    id: string;
  } | {
    email: string;
  }): Promise<AdminUserRecord | undefined>;
  /** Returns false when the user does not exist or was not disabled. */
  enable(id: string): Promise<boolean>;
  /** Returns false when the user does not exist or already has this role. */
  setRole(id: string, role: UserRole): Promise<boolean>;
  /**
   * Serialises, for the rest of the transaction, every change that can take the admin role away
   * from an enabled account (removing the role, disabling an admin) or give it out at start-up:
   * two admins removing each other's role at once must not leave none.
   */
  lockAdminRoles(): Promise<void>;
  /** Enabled accounts with the admin role. */
  countActiveAdmins(): Promise<number>;
}
