import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { addAccountCommands } from "./account.commands";
import { addAdminCommands } from "./admin.commands";
import { addBillingCommands } from "./billing.commands";
import type { CliAction } from "./cli-action";
import { createCliContext } from "./cli-context";
import { CliUsageError } from "./cli-errors";
import { addConnectCommand } from "./connect.command";
import { addGetCommand } from "./get.command";
import { addLeaderboardCommand } from "./leaderboard.command";
import { addMfaCommands } from "./mfa.commands";
import { describeError } from "./messages";
import { addPasswordCommands } from "./password.commands";
import { addPlayCommand } from "./play.command";
import { addSessionCommands } from "./sessions.commands";
import { addTokenCommands } from "./tokens.commands";
import { addVerifyEmailCommand } from "./verify-email.command";

/** Exit codes: 0 done, 1 the service refused or failed, 2 the command line was wrong, 130 cancelled (Ctrl-C at a prompt). */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

const ENVIRONMENT = `
Environment:
  TOLLGATE_URL           the gateway (default http://127.0.0.1:8080)
  TOLLGATE_CA_FILE       PEM file of a CA to trust for an https gateway (e.g. a local CA); certificates are always verified
  TOLLGATE_HOME          where your session and bought tokens are kept (default ~/.config/tollgate; files mode 0600)
  TOLLGATE_PASSWORD      the password for register and login, instead of a prompt (scripts)
  TOLLGATE_ACCESS_TOKEN  the access token for get and connect (scripts)

Exit status: 0 done, 1 refused or failed (the message says why), 2 wrong usage, 130 cancelled.`;

/** This package's version: dist/cli and src/cli are both two folders below package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
}

/** The `tollgate` command line; `act` runs a command's handler and keeps its exit code. */
export function createProgram(act: CliAction): Command {
  const program = new Command("tollgate")
    .description("Buy time-limited access to the application behind Tollgate, use it in your browser, and play Connect Four.")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help (for a command: tollgate <command> --help)")
    .exitOverride()
    .showHelpAfterError("(tollgate --help lists the commands)")
    .addHelpText("after", ENVIRONMENT);
  addAccountCommands(program, act);
  addMfaCommands(program, act);
  addSessionCommands(program, act);
  addPasswordCommands(program, act);
  addVerifyEmailCommand(program, act);
  addBillingCommands(program, act);
  addTokenCommands(program, act);
  addGetCommand(program, act);
  addConnectCommand(program, act);
  addPlayCommand(program, act);
  addLeaderboardCommand(program, act);
  addAdminCommands(program, act);
  // Settings given above are copied to commands made after them with .command(); these too.
  for (const command of program.commands) command.helpOption("-h, --help", "show this help").showHelpAfterError(`(tollgate ${command.name()} --help shows its usage)`);
  return program;
}

const isPromptCancelled = (error: unknown) => error instanceof Error && error.name === "ExitPromptError";

/** Runs the CLI on `argv` (without node and the script) and resolves the exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const act: CliAction =
    (handler) =>
    async (...args) => {
      code = await handler(createCliContext(), ...args);
    };
  try {
    await createProgram(act).parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    // commander has already printed its message (unknown command or option, missing argument…).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    if (isPromptCancelled(error)) {
      process.stderr.write("cancelled\n");
      return EXIT.cancelled;
    }
    process.stderr.write(`${describeError(error)}\n`);
    return EXIT.failed;
  }
}
