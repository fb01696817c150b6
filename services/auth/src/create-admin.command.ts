import { hostname, userInfo } from "node:os";
import { createInterface } from "node:readline";
import { registerRequestSchema, usernameSchema } from "@tollgate/contracts";
import { AppError, ConfigError, createDatabase, createLogger, ensureDatabase, migrate } from "@tollgate/service-kit";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { loadAdminToolConfig } from "./config";
import { unitOfWork } from "./unit-of-work";
import { ZxcvbnStrengthEstimator } from "./data/zxcvbn-strength.estimator";
import { CreateAdminUseCase, type CreateAdminOutcome, type Operator } from "./domain/admin-create.use-case";
import { AlreadyRegisteredError, UserNotFoundError } from "./domain/auth-errors";
import { PasswordHasher } from "./domain/password-hasher";
import { isReservedUsername, PasswordPolicy } from "./domain/password-policy";
import { authMigrations } from "./migrations";

/** Exit codes: 0 done (or nothing to do), 1 refused or failed, 2 wrong usage, 78 bad configuration, 130 cancelled. */
export const CREATE_ADMIN_EXIT = { ok: 0, failed: 1, usage: 2, config: 78, cancelled: 130 } as const;

export interface CommandIo {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Who ran it, for the audit log; the operating system's account and host by default. */
  operator?: Operator;
}

interface Options {
  email: string;
  username?: string;
  passwordStdin?: boolean;
}

class UsageError extends Error {}
class Cancelled extends Error {}

const parseWith = (schema: { safeParse(value: unknown): { success: boolean } }, what: string) => (value: string) => {
  if (!schema.safeParse(value).success) throw new InvalidArgumentError(`not ${what}.`);
  return value;
};

function program(io: CommandIo): Command {
  return new Command("create-admin")
    .description("Make the account with this e-mail an admin (running it again changes nothing). An account that does not exist is created first, with a password from a terminal prompt or --password-stdin. Reads DATABASE_URL (and ARGON2_*) like the auth service; runs its migrations first.")
    .requiredOption("--email <address>", "the account's e-mail address", parseWith(registerRequestSchema.shape.email, "an e-mail address"))
    .option("--username <name>", "a new account's username (default: the e-mail's local part)", parseWith(usernameSchema, "a username (3-32 letters, digits, '_' or '-')"))
    .option("--password-stdin", "read a new account's password from standard input (scripts; without it a terminal is asked)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
}

/** `create-admin --email …`: resolves the exit code; never throws, never exits the process. */
export async function runCreateAdmin(argv: string[], io: CommandIo): Promise<number> {
  let options: Options;
  try {
    options = program(io).parse(argv, { from: "user" }).opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? CREATE_ADMIN_EXIT.ok : CREATE_ADMIN_EXIT.usage;
    throw error;
  }
  const say = (text: string) => io.stdout.write(`${text}\n`);
  const complain = (text: string) => io.stderr.write(`create-admin: ${text}\n`);
  try {
    const config = loadAdminToolConfig(io.env);
    // Its own output is the few lines below; the service's log lines only when asked for.
    const logger = createLogger({ service: "auth-create-admin", level: config.LOG_LEVEL === "debug" ? "debug" : "error" });
    await ensureDatabase(config.DATABASE_URL);
    const knex = createDatabase({ url: config.DATABASE_URL, logger });
    const passwordStrength = new ZxcvbnStrengthEstimator();
    try {
      await migrate(knex, authMigrations);
      const useCase = new CreateAdminUseCase({
        // Nothing this command does emits an event; the topic only names where one would go.
        uow: unitOfWork(knex, "tollgate.auth-events"),
        hasher: new PasswordHasher({ memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM, maxConcurrency: config.ARGON2_MAX_CONCURRENCY }),
        policy: new PasswordPolicy(passwordStrength),
      });
      const operator = io.operator ?? { osUser: userInfo().username, host: hostname() };
      const result = await promoteOrCreate(useCase, options, operator, io);
      say(describe(result));
      return CREATE_ADMIN_EXIT.ok;
    } finally {
      await passwordStrength.close();
      await knex.destroy();
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      complain(error.message);
      return CREATE_ADMIN_EXIT.config;
    }
    if (error instanceof UsageError) {
      complain(error.message);
      return CREATE_ADMIN_EXIT.usage;
    }
    if (error instanceof Cancelled) {
      complain("cancelled");
      return CREATE_ADMIN_EXIT.cancelled;
    }
    complain(error instanceof AppError ? `${error.detail} (${error.errorCode})` : error instanceof Error ? error.message : String(error));
    return CREATE_ADMIN_EXIT.failed;
  }
}

async function promoteOrCreate(useCase: CreateAdminUseCase, options: Options, operator: Operator, io: CommandIo): Promise<CreateAdminOutcome> {
  try {
    return await useCase.promote(options.email, operator);
  } catch (error) {
    if (!(error instanceof UserNotFoundError)) throw error;
  }
  const username = options.username ?? usernameFromEmail(options.email);
  const password = options.passwordStdin ? await readAll(io.stdin) : await askTwice(io);
  try {
    return await useCase.create({ email: options.email, username, password }, operator);
  } catch (error) {
    // Another run created the same account meanwhile: promote that one.
    if (error instanceof AlreadyRegisteredError && error.field === "email") return useCase.promote(options.email, operator);
    throw error;
  }
}

function describe({ outcome, user }: CreateAdminOutcome): string {
  if (outcome === "already_admin") return `${user.email} (${user.username}, id ${user.id}) is already an admin; nothing changed`;
  if (outcome === "promoted") return `${user.email} (${user.username}, id ${user.id}) is now an admin; it takes effect at the account's next login or refresh`;
  return `created ${user.username} <${user.email}> (id ${user.id}) as an admin; log in with this password`;
}

/** `ada.lovelace@example.com` → `ada_lovelace`; refused (asking for --username) when that is not a username one may take. */
function usernameFromEmail(email: string): string {
  const candidate = (email.split("@")[0] ?? "").replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 32);
  if (!usernameSchema.safeParse(candidate).success || isReservedUsername(candidate)) {
    throw new UsageError(`no account has this e-mail, and "${candidate}" cannot be its username: pass --username <name>`);
  }
  return candidate;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  if (password === "") throw new UsageError("--password-stdin read an empty password");
  return password;
}

async function askTwice(io: CommandIo): Promise<string> {
  if (!io.stdin.isTTY) throw new UsageError("no account has this e-mail; to create it, give its password on standard input with --password-stdin (or run on a terminal)");
  const first = await askHidden(io, "no account has this e-mail; creating it. Password: ");
  const second = await askHidden(io, "Password again: ");
  if (first !== second) throw new UsageError("the two passwords differ");
  if (first === "") throw new UsageError("the password is empty");
  return first;
}

/** A line from the terminal, not echoed. */
function askHidden(io: CommandIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
    io.stderr.write(question);
    // readline echoes what is typed through this method: silence it for the answer.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
    rl.on("SIGINT", () => {
      rl.close();
      io.stderr.write("\n");
      reject(new Cancelled());
    });
    rl.question("", (answer) => {
      rl.close();
      io.stderr.write("\n");
      resolve(answer);
    });
  });
}
