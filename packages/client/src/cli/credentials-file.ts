import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { SessionStore, StoredSession } from "../session";

const storedSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessExpiresAt: z.number(),
  user: z.object({
    id: z.string(),
    email: z.string(),
    username: z.string(),
    role: z.enum(["user", "admin"]),
    created_at: z.string(),
    last_login_at: z.string().nullable(),
    // Absent from files written before the field existed; the next refresh or login fills it in.
    email_verified_at: z.string().nullable().default(null),
  }),
});

/** The CLI's session, in a file only its owner can read (0600, folder 0700). */
export class CredentialsFile implements SessionStore {
  constructor(readonly file: string) {}

  load(): StoredSession | undefined {
    if (!existsSync(this.file)) return undefined;
    const parsed = storedSchema.safeParse(JSON.parse(readFileSync(this.file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  }

  save(session: StoredSession | undefined): void {
    if (!session) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileSync(this.file, JSON.stringify(session), { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }
}
