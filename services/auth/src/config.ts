import { availableParallelism, hostname } from "node:os";
import { baseEnvShape, envBoolean, loadConfigOrExit, kafkaEnvShape, port, positiveInt, requiredString } from "@tollgate/service-kit";
import { z } from "zod";

/** OWASP's argon2id floor; production may only go upward from here. */
export const ARGON2_PRODUCTION_FLOOR = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One service client allowed to ask for service tokens:
 * `client_id:<sha256 hex of the secret>:scope1 scope2`, several separated by commas.
 */
export const serviceClientSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/, "secret must be given as its lower-case SHA-256 hex"),
  scopes: z.array(z.string().regex(/^[A-Za-z0-9:._-]+$/)).min(1),
});
export type ServiceClient = z.infer<typeof serviceClientSchema>;

const serviceClients = requiredString().transform((value, ctx) => {
  const clients: ServiceClient[] = [];
  for (const entry of value.split(",").map((item) => item.trim()).filter(Boolean)) {
    // Scopes themselves contain ':' (tokens:validate): split on the first two colons only.
    const first = entry.indexOf(":");
    const second = entry.indexOf(":", first + 1);
    const parsed = serviceClientSchema.safeParse({
      clientId: entry.slice(0, Math.max(first, 0)),
      secretSha256: first > 0 && second > first ? entry.slice(first + 1, second) : "",
      scopes: second > first ? entry.slice(second + 1).split(" ").filter(Boolean) : [],
    });
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `entry ${clients.length + 1} must look like client_id:secret_sha256:scope1 scope2` });
      return z.NEVER;
    }
    clients.push(parsed.data);
  }
  if (clients.length === 0) ctx.addIssue({ code: "custom", message: "must list at least one client" });
  return clients;
});

export const authEnvSchema = z
  .object({
    ...baseEnvShape,
    ...kafkaEnvShape,
    PORT: port(3001),
    DATABASE_URL: requiredString(),
    REDIS_URL: z.string().min(1).default("redis://127.0.0.1:6379"),
    /** Empty in production (keys `auth:*`); set where environments share one Redis (keys `auth:<namespace>:*`). */
    REDIS_KEY_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only").default(""),
    INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).default(`${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, "-")),
    TRUST_PROXY: z.string().default("loopback"),
    JWT_ISSUER: z.string().min(1).default("tollgate-auth"),
    JWT_AUDIENCE: z.string().min(1).default("tollgate"),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
    SERVICE_TOKEN_TTL_SECONDS: positiveInt(300),
    REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).default(10),
    SESSION_IDLE_TIMEOUT_SECONDS: positiveInt(7 * 24 * 3600),
    SESSION_MAX_LIFETIME_SECONDS: positiveInt(30 * 24 * 3600),
    SIGNING_KEY_CACHE_SECONDS: positiveInt(60),
    SIGNING_KEY_ACTIVATION_DELAY_SECONDS: positiveInt(60),
    ARGON2_MEMORY_KIB: positiveInt(ARGON2_PRODUCTION_FLOOR.memoryKiB),
    ARGON2_TIME_COST: positiveInt(ARGON2_PRODUCTION_FLOOR.timeCost),
    ARGON2_PARALLELISM: positiveInt(ARGON2_PRODUCTION_FLOOR.parallelism),
    ARGON2_MAX_CONCURRENCY: positiveInt(availableParallelism()),
    LOGIN_THROTTLE_ENABLED: envBoolean(true),
    LOGIN_ACCOUNT_MAX_FAILURES: positiveInt(10),
    LOGIN_ACCOUNT_WINDOW_SECONDS: positiveInt(900),
    LOGIN_IP_MAX_FAILURES: positiveInt(100),
    LOGIN_IP_WINDOW_SECONDS: positiveInt(900),
    LOGIN_LOCKOUT_MAX_SECONDS: positiveInt(24 * 3600),
    SERVICE_CLIENTS: serviceClients,
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.ARGON2_MEMORY_KIB < ARGON2_PRODUCTION_FLOOR.memoryKiB) ctx.addIssue({ code: "custom", path: ["ARGON2_MEMORY_KIB"], message: `must be at least ${ARGON2_PRODUCTION_FLOOR.memoryKiB} in production` });
    if (env.ARGON2_TIME_COST < ARGON2_PRODUCTION_FLOOR.timeCost) ctx.addIssue({ code: "custom", path: ["ARGON2_TIME_COST"], message: `must be at least ${ARGON2_PRODUCTION_FLOOR.timeCost} in production` });
    if (!env.LOGIN_THROTTLE_ENABLED) ctx.addIssue({ code: "custom", path: ["LOGIN_THROTTLE_ENABLED"], message: "cannot be false in production" });
  });
export type AuthConfig = z.infer<typeof authEnvSchema>;

/** The service's configuration from the environment, or exit naming what is wrong. */
export const loadAuthConfig = (): AuthConfig => loadConfigOrExit(authEnvSchema, process.env);
