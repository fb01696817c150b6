/** An account as auth announced it (`user.registered`). */
export interface DirectoryEntry {
  userId: string;
  username: string;
  registeredAt: Date;
}

/** The local user directory (implemented over knex in data/, fed by the auth-events consumer). */
export interface UserDirectory {
  /** Case-insensitive; undefined for a name the directory does not know. */
  findByUsername(username: string): Promise<DirectoryEntry | undefined>;
  /** The usernames of those ids the directory knows. */
  usernames(userIds: readonly string[]): Promise<Map<string, string>>;
}
