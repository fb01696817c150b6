import type { UserRole } from "@tollgate/contracts";
import type { Knex } from "knex";
import type { LoginAccount, LoginAccountReader } from "../domain/login-account.port";
import { runNamed } from "./named-statement";

interface LoginAccountRow {
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
  second_factor_required: boolean;
}

/**
 * The user and whether a confirmed authenticator follows, in one named statement: a login read
 * them in two knex queries, each built, parsed and planned anew (one round trip, its socket write
 * and about 0.3 ms of knex's query building a login; login-storm bench, services/auth/README.md).
 */
const FIND_LOGIN_ACCOUNT = {
  name: "auth_find_login_account_v1",
  text: `SELECT id, email, username, role, password_hash, created_at, last_login_at, password_changed_at, disabled_at, email_verified_at,
    EXISTS (SELECT 1 FROM user_totp_authenticators WHERE user_id = users.id AND confirmed_at IS NOT NULL) AS second_factor_required
  FROM users WHERE lower(email) = $1 OR lower(username) = $1 LIMIT 1`,
};

export class LoginAccountRepository implements LoginAccountReader {
  constructor(private readonly db: Knex) {}

  async findByLogin(login: string): Promise<LoginAccount | undefined> {
    const { rows } = await runNamed<LoginAccountRow>(this.db, FIND_LOGIN_ACCOUNT, [login.toLowerCase()]);
    const row = rows[0];
    return (
      row && {
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
        secondFactorRequired: row.second_factor_required,
      }
    );
  }
}
