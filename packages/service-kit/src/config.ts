import { z } from "zod";

/**
 * Environment parsing. A service declares one zod schema and parses `process.env` once, in its own
 * config.ts; a missing or bad variable stops the process with a message naming each variable.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return value === undefined || value === "" ? `${name} is required: ${issue.message}` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Parses, or writes the problems to stderr and exits with code 78 (EX_CONFIG). */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

// ---- building blocks for service schemas -------------------------------------------------------

/** A required non-empty string (a secret has no default). */
export const requiredString = () => z.string({ error: "must be set" }).min(1, "must not be empty");

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const envBoolean = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true" || value === "1");

/** A comma-separated list, e.g. KAFKA_BROKERS=host1:9092,host2:9092 */
export const commaList = (fallback?: string) => {
  const base = fallback === undefined ? z.string().min(1, "must not be empty") : z.string().default(fallback);
  return base.transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );
};

export const urlString = (fallback?: string) =>
  fallback === undefined ? z.url({ error: "must be a URL" }) : z.url({ error: "must be a URL" }).default(fallback);

export const logLevelSchema = z.enum(["error", "warn", "info", "http", "debug"]).default("info");

/** Variables every service shares; a service extends this object with its own. */
export const baseEnvShape = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: logLevelSchema,
  HOST: z.string().min(1).default("127.0.0.1"),
  HTTP_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "must look like 100kb").default("100kb"),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
} as const;

export const kafkaEnvShape = {
  KAFKA_BROKERS: commaList("127.0.0.1:9092"),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Prefix for every topic name; empty in production, one per run in tests. */
  KAFKA_TOPIC_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only").default(""),
} as const;
