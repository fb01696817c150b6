import type { Knex } from "knex";
import type { DirectoryEntry, UserDirectory } from "../domain/user-directory.port";

interface DirectoryRow {
  user_id: string;
  username: string;
  registered_at: Date;
}

/** The user directory over knex: usernames by id and ids by (case-insensitive) username. */
export class UserDirectoryRepository implements UserDirectory {
  constructor(private readonly knex: Knex) {}

  async findByUsername(username: string): Promise<DirectoryEntry | undefined> {
    const row = await this.knex<DirectoryRow>("user_directory").whereRaw("lower(username) = lower(?)", [username]).first();
    return row ? { userId: row.user_id, username: row.username, registeredAt: row.registered_at } : undefined;
  }

  async usernames(userIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const rows = await this.knex<DirectoryRow>("user_directory").whereIn("user_id", ids).select("user_id", "username");
    return new Map(rows.map((row) => [row.user_id, row.username]));
  }

  /**
   * Adds or updates an account. A username is unique: another account holding it (a rename auth
   * has not told us about) gives it up to the newer event.
   */
  async upsert(trx: Knex.Transaction, entry: DirectoryEntry): Promise<void> {
    await trx("user_directory").whereRaw("lower(username) = lower(?)", [entry.username]).andWhereNot("user_id", entry.userId).delete();
    await trx("user_directory")
      .insert({ user_id: entry.userId, username: entry.username, registered_at: entry.registeredAt })
      .onConflict("user_id")
      .merge(["username", "registered_at"]);
  }

  /** Forgets which events `consumer` applied, so a replay of the topic applies them again. */
  async forgetProcessed(consumer: string): Promise<void> {
    await this.knex("processed_events").where({ consumer }).delete();
  }

  async isEmpty(): Promise<boolean> {
    return (await this.knex("user_directory").first("user_id")) === undefined;
  }
}
