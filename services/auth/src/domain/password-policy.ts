import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@tollgate/contracts";
import type { PasswordStrengthEstimator } from "./password-strength.port";

/** Names a user may not take: they would impersonate the platform. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin", "administrator", "root", "system", "api", "auth", "support", "help", "security", "tollgate",
  "null", "undefined", "anonymous", "moderator", "staff", "official", "service", "internal", "www", "mail",
]);

export function isReservedUsername(username: string): boolean {
  return RESERVED_USERNAMES.has(username.toLowerCase());
}

/**
 * The lowest zxcvbn score a new password may have: 4, at least 10^10 guesses. Score 3 (10^8)
 * lets through a word, a year and symbols: `Tollgate2026!!`, `Welcome2026!!` and `Summer2026!!ab`
 * all score 3 at 10^8.0–10^8.4 guesses. Those are the shapes guessing lists try first. Three
 * unrelated words still pass (`blue-coffee-mountain`: 10^12.4). Against a stolen database, 10^10
 * guesses at zxcvbn's slow-hash rate (10^4 a second) is about 11 days per account; 10^8 is under
 * 3 hours. Online guessing is the login throttle's job.
 */
export const MIN_PASSWORD_SCORE = 4;

/**
 * Context-specific words (OWASP ASVS 5.0 V6.2.11; NIST SP 800-63B §5.1.1.2: "the name of the
 * service"): a password built on them counts as weak like one built on the user's own name.
 */
export const SERVICE_WORDS: readonly string[] = ["tollgate"];

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

/**
 * The rules for a new password (register, password change): 12 to 128 characters (OWASP ASVS
 * 4.0.3 V2.1.1/V2.1.2, counted in characters, not UTF-16 units), and guessable no more easily than
 * MIN_PASSWORD_SCORE by zxcvbn with its common-password, English and keyboard-pattern
 * dictionaries, plus the user's e-mail and username and SERVICE_WORDS (V2.1.7 asks for a check against
 * breached passwords; zxcvbn's list is the most common of them). No composition rules (V2.1.9).
 * Never applied at login, although V2.1.7 names login too: an estimate costs milliseconds of CPU
 * that the login path does not have (see the README's login-storm figures).
 */
export class PasswordPolicy {
  constructor(private readonly estimator: PasswordStrengthEstimator) {}

  async check(password: string, context: { email?: string; username?: string } = {}): Promise<PasswordVerdict> {
    const length = [...password].length;
    if (length < PASSWORD_MIN_LENGTH) return { ok: false, reason: `must be at least ${PASSWORD_MIN_LENGTH} characters` };
    if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: `must be at most ${PASSWORD_MAX_LENGTH} characters` };
    const lower = password.toLowerCase();
    if ((context.email && lower === context.email.toLowerCase()) || (context.username && lower === context.username.toLowerCase())) {
      return { ok: false, reason: "must not be your e-mail address or username" };
    }
    const strength = await this.estimator.estimate(password, userInputs(context));
    if (strength.score >= MIN_PASSWORD_SCORE) return { ok: true };
    const why = strength.warning ? lowerFirst(strength.warning) : "it follows a pattern that password-guessing tools try early.";
    const advice = [...strength.suggestions, "A few unrelated words, or a password your password manager generates, will pass."].join(" ");
    return { ok: false, reason: `is too easy to guess: ${why} ${advice}` };
  }
}

/** The user's own words: the e-mail, its local part and the pieces of it, the username, the service's name. */
function userInputs(context: { email?: string; username?: string }): string[] {
  const inputs = new Set<string>(SERVICE_WORDS);
  const email = context.email?.toLowerCase();
  if (email) {
    inputs.add(email);
    const local = email.slice(0, Math.max(email.lastIndexOf("@"), 0));
    if (local) inputs.add(local);
    for (const piece of local.split(/[^a-z0-9]+/)) if (piece.length >= 3) inputs.add(piece);
  }
  if (context.username) inputs.add(context.username.toLowerCase());
  return [...inputs];
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);
