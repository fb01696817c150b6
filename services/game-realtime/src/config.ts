import { baseEnvShape, commaList, loadConfigOrExit, kafkaEnvShape, port, positiveInt, requiredString, urlString } from "@tollgate/service-kit";
import { z } from "zod";

/** Every variable the service reads. This is the only file that looks at process.env. */
export const configSchema = z
  .object({
    ...baseEnvShape,
    ...kafkaEnvShape,
    PORT: port(3004),
    DATABASE_URL: urlString("postgres://postgres@127.0.0.1:5432/tollgate_game"),
    DATABASE_POOL_MAX: positiveInt(10),
    REDIS_URL: urlString("redis://127.0.0.1:6379"),
    /** Empty: keys `game:*`. Set where several environments (each with its own database) share one Redis: `game:<namespace>:*`. */
    REDIS_KEY_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only").default(""),
    /** The auth service's key set; access tokens are verified against it. */
    AUTH_JWKS_URL: urlString("http://127.0.0.1:3001/.well-known/jwks.json"),
    JWT_ISSUER: requiredString(),
    JWT_AUDIENCE: requiredString(),
    /** Browser origins allowed to open `/ws/game`; clients that send no Origin (desktop) are always allowed. */
    ALLOWED_ORIGINS: commaList(""),
    /** Names this instance in presence and consumer groups; defaults to host name and pid. */
    INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
    GRACE_PERIOD_MS: positiveInt(60_000),
    GRACE_SWEEP_INTERVAL_MS: positiveInt(5_000),
    AUTH_TIMEOUT_MS: positiveInt(5_000),
    WS_MAX_PAYLOAD_BYTES: positiveInt(16 * 1024),
    WS_PING_INTERVAL_MS: positiveInt(30_000),
    WS_MAX_BUFFERED_BYTES: positiveInt(1024 * 1024),
    WS_MAX_CONNECTIONS_PER_USER: positiveInt(5),
    WS_RATE_LIMIT_PER_SECOND: positiveInt(20),
    WS_RATE_LIMIT_BURST: positiveInt(40),
    PRESENCE_TTL_MS: positiveInt(90_000),
    /** Moves group-committed in one statement at most. */
    MOVE_BATCH_MAX: positiveInt(500),
    /** Move statements running at once; each holds a database connection while it runs. */
    MOVE_BATCHES_IN_FLIGHT: positiveInt(2),
    /** A queued player nobody was paired with for this long gets `game:no_opponent` and leaves the queue. */
    MATCHMAKING_TIMEOUT_SECONDS: positiveInt(60),
    /** How often each instance runs a pairing pass (it also runs one when a player queues). */
    MATCHMAKING_INTERVAL_MS: positiveInt(200),
  })
  .superRefine((env, ctx) => {
    // Joins, HTTP requests and resignations need connections too.
    if (env.MOVE_BATCHES_IN_FLIGHT >= env.DATABASE_POOL_MAX) {
      ctx.addIssue({ code: "custom", path: ["MOVE_BATCHES_IN_FLIGHT"], message: `must be below DATABASE_POOL_MAX (${env.DATABASE_POOL_MAX})` });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The service's configuration from the environment, or exit naming what is wrong. */
export const loadConfig = (): Config => loadConfigOrExit(configSchema, process.env);

