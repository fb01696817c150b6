import confirm from "@inquirer/confirm";
import password from "@inquirer/password";
import { PASSWORD_MIN_LENGTH } from "@tollgate/contracts";
import { CliUsageError } from "./cli-errors";

/** Prompts write to stderr, so stdout carries only results (and can be piped). */
const context = { input: process.stdin, output: process.stderr };

function assertTerminal(what: string): void {
  if (!process.stdin.isTTY) throw new CliUsageError(`No terminal to ask for ${what} on. Set TOLLGATE_PASSWORD (scripts), or run this in a terminal.`);
}

/** The password of an existing account: `given` (TOLLGATE_PASSWORD), else asked for with nothing echoed. */
export async function askPassword(given: string | undefined): Promise<string> {
  if (given) return given;
  assertTerminal("the password");
  return password({ message: "Password:", validate: (value) => value.length > 0 || "Type your password." }, context);
}

/**
 * A new password, typed twice with nothing echoed; asked again while the two differ. Length is
 * checked here so a short one is refused before anything is sent; the service judges its strength.
 */
export async function askNewPassword(given: string | undefined): Promise<string> {
  if (given) return given;
  assertTerminal("a password");
  for (;;) {
    const first = await password({ message: `Choose a password (${PASSWORD_MIN_LENGTH}+ characters):`, validate: (value) => value.length >= PASSWORD_MIN_LENGTH || `At least ${PASSWORD_MIN_LENGTH} characters.` }, context);
    const second = await password({ message: "Type it again:" }, context);
    if (first === second) return first;
    process.stderr.write("The two passwords differ; once more.\n");
  }
}

/**
 * A code for the second factor, typed on the terminal (`*` per character shown): a TOTP code from
 * the authenticator app, or, with `recovery`, one of the recovery codes instead. No environment
 * variable stands in for it: a TOTP code lives 30 seconds.
 */
export async function askSecondFactorCode({ recovery }: { recovery: boolean }): Promise<string> {
  if (!process.stdin.isTTY) throw new CliUsageError("No terminal to ask for the code from your authenticator app on. Run this in a terminal.");
  const message = recovery ? "Code from your authenticator app (or a recovery code):" : "Code from your authenticator app:";
  const validate = (value: string) => (recovery ? value.trim().length > 0 || "Type the 6 digits the app shows, or a recovery code." : /^\d{6}$/.test(value.trim()) || "Type the 6 digits the app shows.");
  return (await password({ message, mask: true, validate }, context)).trim();
}

/**
 * The token from a verification or reset mail (or the whole link, pasted): typed on the terminal
 * with `*` per character, since it works like a password until it is used.
 */
export async function askMailToken(what: string): Promise<string> {
  assertTerminal(what);
  return (await password({ message: `The ${what} (or the whole link):`, mask: true, validate: (value) => value.trim().length > 0 || "Paste the link from the mail, or the text after #token=." }, context)).trim();
}

/**
 * A yes/no question (default no) before something that costs money. `skip` (--yes) answers yes
 * without asking; with no terminal to ask on and no `skip`, refuses naming the flag.
 */
export async function askConfirmation(question: string, { skip, flag }: { skip: boolean; flag: string }): Promise<boolean> {
  if (skip) return true;
  if (!process.stdin.isTTY) throw new CliUsageError(`${question} No terminal to ask on: add ${flag} to confirm (scripts).`);
  return confirm({ message: question, default: false }, context);
}
