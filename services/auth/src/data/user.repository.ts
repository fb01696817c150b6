import type { PagePosition, UserRole } from "@tollgate/contracts";
import { keysetPage, SORT_AT } from "@tollgate/service-kit";
import type { Knex } from "knex";
import { DuplicateUserError, type User, type NewUser, type AdminUserRecord, type AdminUserFilter, type UserRepositoryPort } from "../domain/user.repository.port";

interface UserRow {
  id: string;
  email: string;
  username: string;
  role: UserRole;
  password_hash: string | null;
  created_at: Date;
  last_login_at: Date | null;
  password_changed_at: Date | null;
  disabled_at: Date | null;
  email_verified_at: Date | null;
}

const toAdminUserRecord = (row: UserRow & { email_verified_at: Date | null }): AdminUserRecord => ({
  id: row.id,
  email: row.email,
  username: row.username,
  role: row.role,
  hasPassword: row.password_hash !== null,
  emailVerifiedAt: row.email_verified_at,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
  disabledAt: row.disabled_at,
});

/** `%`, `_` and `\` are LIKE's own characters (and `_` is allowed in usernames): matched literally. */
const likePrefix = (text: string): string => `${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  username: row.username,
  role: row.role,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
  passwordChangedAt: row.password_changed_at,
  disabledAt: row.disabled_at,
  emailVerifiedAt: row.email_verified_at,
});

export class UserRepository implements UserRepositoryPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Relies on the unique indexes, so two racing registrations cannot both succeed. */
  async insert(user: NewUser): Promise<User> {
    try {
      const [row] = await this.db<UserRow>("users")
        .insert({ id: user.id, email: user.email, username: user.username, password_hash: user.passwordHash })
        .returning("*");
      return toUser(row as UserRow);
    } catch (error) {
      const constraint = (error as { code?: string; constraint?: string }).code === "23505" ? (error as { constraint?: string }).constraint : undefined;
      if (constraint === "users_email_unique") throw new DuplicateUserError("email");
      if (constraint === "users_username_unique") throw new DuplicateUserError("username");
      throw error;
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db<UserRow>("users").where({ id }).first();
    return row && toUser(row);
  }

  /** By e-mail (case-insensitive) or username (case-insensitive). */
  async findByLogin(login: string): Promise<User | undefined> {
    const lower = login.toLowerCase();
    const row = await this.db<UserRow>("users")
      .whereRaw("lower(email) = ?", [lower])
      .orWhereRaw("lower(username) = ?", [lower])
      .first();
    return row && toUser(row);
  }

  /** By e-mail only (case-insensitive). */
  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.db<UserRow>("users").whereRaw("lower(email) = ?", [email.toLowerCase()]).first();
    return row && toUser(row);
  }

  /** Locks the user row for the rest of the transaction (serialises changes to how the user signs in). */
  async lock(id: string): Promise<User | undefined> {
    const row = await this.db<UserRow>("users").where({ id }).forUpdate().first();
    return row && toUser(row);
  }

  /**
   * A new password: moves `password_changed_at`, to `at` or, if that is not later, one
   * millisecond past the stored value. Logins compare the value at millisecond precision (what a
   * JS Date carries), so two changes in the same millisecond, or a change made on an instance
   * whose clock is behind, must still leave a different value.
   */
  async updatePassword(id: string, passwordHash: string, at: Date): Promise<void> {
    await this.db("users")
      .where({ id })
      .update({
        password_hash: passwordHash,
        password_changed_at: this.db.raw("greatest(?::timestamptz, date_trunc('milliseconds', password_changed_at) + interval '1 millisecond')", [at]),
      });
  }

  /**
   * The same password hashed at the current cost (rehash at login): not a password change, so
   * `password_changed_at` stays and logins in flight with the old hash still write their session.
   * Only while the stored hash is still `from`: a password changed meanwhile is not overwritten
   * by the old one's new hash, and of two logins rehashing at once the second changes nothing.
   */
  async rehashPassword(id: string, from: string, to: string): Promise<boolean> {
    const count = await this.db("users").where({ id, password_hash: from }).update({ password_hash: to });
    return count > 0;
  }

  /** Returns false when the user does not exist or was already disabled. */
  async disable(id: string, at: Date): Promise<boolean> {
    const count = await this.db("users").where({ id }).whereNull("disabled_at").update({ disabled_at: at });
    return count > 0;
  }

  /**
   * Marks the address verified, if it still is `email` (case-insensitive) and was not verified
   * yet. Returns false otherwise: the account changed its address since the mail, or was verified.
   */
  async markEmailVerified(id: string, email: string, at: Date): Promise<boolean> {
    const count = await this.db("users").where({ id }).whereRaw("lower(email) = ?", [email.toLowerCase()]).whereNull("email_verified_at").update({ email_verified_at: at });
    return count > 0;
  }

  /** By username only (case-insensitive, as registration treats them). */
  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db<UserRow>("users").whereRaw("lower(username) = ?", [username.toLowerCase()]).first();
    return row && toUser(row);
  }

  /** One page of the admin list, newest first (see `keysetPage`). */
  async searchPage(filter: AdminUserFilter, after: PagePosition | undefined, limit: number): Promise<{ users: AdminUserRecord[]; next: PagePosition | undefined }> {
    const query = this.db("users").select("*", this.db.raw(`${SORT_AT} AS sort_at`));
    if (filter.search !== undefined) {
      const pattern = likePrefix(filter.search);
      query.where((where) => where.whereRaw("lower(email) LIKE ? ESCAPE '\\'", [pattern]).orWhereRaw("lower(username) LIKE ? ESCAPE '\\'", [pattern]));
    }
    if (filter.status === "active") query.whereNull("disabled_at");
    if (filter.status === "disabled") query.whereNotNull("disabled_at");
    if (filter.role !== undefined) query.where({ role: filter.role });
    const page = await keysetPage<UserRow & { email_verified_at: Date | null; sort_at: string }>(query, after, limit);
    return { users: page.rows.map(toAdminUserRecord), next: page.next };
  }

  /** By id, or by e-mail (case-insensitive). */
  async findAdminRecord(where: { id: string } | { email: string }): Promise<AdminUserRecord | undefined> {
    const query = this.db("users");
    if ("id" in where) query.where({ id: where.id });
    else query.whereRaw("lower(email) = ?", [where.email.toLowerCase()]);
    const row = (await query.first()) as (UserRow & { email_verified_at: Date | null }) | undefined;
    return row && toAdminUserRecord(row);
  }

  /** Returns false when the user does not exist or was not disabled. */
  async enable(id: string): Promise<boolean> {
    const count = await this.db("users").where({ id }).whereNotNull("disabled_at").update({ disabled_at: null });
    return count > 0;
  }

  /** Returns false when the user does not exist or already has this role. */
  async setRole(id: string, role: UserRole): Promise<boolean> {
    const count = await this.db("users").where({ id }).whereNot({ role }).update({ role });
    return count > 0;
  }

  /**
   * Serialises, for the rest of the transaction, every change that can take the admin role away
   * from an enabled account (removing the role, disabling an admin) or give it out at start-up:
   * two admins removing each other's role at once must not leave none.
   */
  async lockAdminRoles(): Promise<void> {
    await this.db.raw("SELECT pg_advisory_xact_lock(hashtextextended('auth:admin-roles', 0))");
  }

  /** Enabled accounts with the admin role. */
  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db("users").where({ role: "admin" }).whereNull("disabled_at").count<{ count: string }[]>("* as count");
    return Number(row?.count ?? 0);
  }
}
