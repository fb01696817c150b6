import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { DuplicateIdentityError, type Identity, type NewIdentity, type IdentityRepositoryPort } from "../domain/identity.repository.port";

interface IdentityRow {
  id: string;
  user_id: string;
  provider: string;
  subject: string;
  email: string | null;
  email_verified: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

const toIdentity = (row: IdentityRow): Identity => ({
  id: row.id,
  userId: row.user_id,
  provider: row.provider,
  subject: row.subject,
  email: row.email,
  emailVerified: row.email_verified,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
});

export class IdentityRepository implements IdentityRepositoryPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async find(provider: string, subject: string): Promise<Identity | undefined> {
    const row = await this.db<IdentityRow>("user_identities").where({ provider, subject }).first();
    return row && toIdentity(row);
  }

  async listForUser(userId: string): Promise<Identity[]> {
    const rows = await this.db<IdentityRow>("user_identities").where({ user_id: userId }).orderBy("created_at");
    return rows.map(toIdentity);
  }

  /** Relies on the unique indexes, so two racing links of one provider account cannot both succeed. */
  async insert(identity: NewIdentity, at: Date): Promise<Identity> {
    try {
      const [row] = await this.db<IdentityRow>("user_identities")
        .insert({ id: randomUUID(), user_id: identity.userId, provider: identity.provider, subject: identity.subject, email: identity.email, email_verified: identity.emailVerified, created_at: at, last_login_at: at })
        .returning("*");
      return toIdentity(row as IdentityRow);
    } catch (error) {
      const constraint = (error as { code?: string; constraint?: string }).code === "23505" ? (error as { constraint?: string }).constraint : undefined;
      if (constraint === "user_identities_provider_subject_unique") throw new DuplicateIdentityError("subject_taken");
      if (constraint === "user_identities_user_provider_unique") throw new DuplicateIdentityError("provider_already_linked");
      throw error;
    }
  }

  /** A sign-in through this identity: the provider's current e-mail and when. */
  async touch(id: string, profile: { email: string | null; emailVerified: boolean }, at: Date): Promise<void> {
    await this.db("user_identities").where({ id }).update({ email: profile.email, email_verified: profile.emailVerified, last_login_at: at });
  }

  /** Returns false when the user had no identity of that provider. */
  async delete(userId: string, provider: string): Promise<boolean> {
    return (await this.db("user_identities").where({ user_id: userId, provider }).delete()) > 0;
  }
}
