import { baseEnvShape, kafkaEnvShape, loadConfigOrExit, port, positiveInt, requiredString, urlString } from "@tollgate/service-kit";
import { z } from "zod";
import { assertionKeySetSchema } from "./identity/assertion-keys";

export const proxyConfigSchema = z.object({
  ...baseEnvShape,
  ...kafkaEnvShape,
  PORT: port(3003),
  /** The application behind the gate, e.g. http://127.0.0.1:3999 or http://10.0.0.5:8888/notebooks (a base path is kept). */
  UPSTREAM_URL: urlString().refine((value) => /^https?:$/.test(new URL(value).protocol) && !new URL(value).search && !new URL(value).hash, "must be an http(s) URL without query or fragment"),
  /**
   * Where browsers reach the upstream at the root of its own origin, e.g. https://app.example.com
   * (locally http://app.localhost:8080). Unset: no app origin; only the path prefix is served.
   */
  APP_PUBLIC_ORIGIN: z
    .url({ error: "must be a URL" })
    .refine((value) => /^https?:$/.test(new URL(value).protocol) && new URL(value).origin === value.replace(/\/$/, ""), "must be an origin (scheme, host, optional port) with no path")
    .transform((value) => new URL(value).origin)
    .optional(),
  /** `upstream`: the upstream sees its own host in Host; `preserve`: the public host the client used. */
  UPSTREAM_HOST_HEADER: z.enum(["upstream", "preserve"]).default("upstream"),
  /** How long a launch URL can be opened, seconds (at most 60). */
  APP_LAUNCH_TTL_SECONDS: z.coerce.number().int().min(1).max(60).default(60),
  /** Optional `user:password` the proxy presents to the upstream (Basic auth). */
  UPSTREAM_BASIC_AUTH: z.string().regex(/^[^:]+:.+$/, "must look like user:password").optional(),
  /** How long a new connection to the upstream may take to open. */
  UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt(3_000),
  /**
   * How long the upstream may take to start its answer (status line and headers) once the request,
   * body included, is sent; WebSocket upgrades too. Past it: 503, counted against the breaker.
   */
  UPSTREAM_HEADERS_TIMEOUT_MS: positiveInt(5_000),
  /**
   * The longest silence inside a response body being streamed: a download may last as long as
   * data keeps coming. Bounds neither the connection nor the wait for headers (the two above).
   */
  UPSTREAM_TIMEOUT_MS: positiveInt(30_000),
  UPSTREAM_BREAKER_THRESHOLD: positiveInt(5),
  UPSTREAM_HALF_OPEN_MS: positiveInt(5_000),
  UPSTREAM_MAX_SOCKETS: positiveInt(256),
  REDIS_URL: z.string().min(1).default("redis://127.0.0.1:6379"),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt(100),
  TOKEN_SERVICE_URL: urlString("http://127.0.0.1:3002"),
  TOKEN_SERVICE_TIMEOUT_MS: positiveInt(2_000),
  TOKEN_SERVICE_BREAKER_THRESHOLD: positiveInt(5),
  TOKEN_SERVICE_HALF_OPEN_MS: positiveInt(5_000),
  /** The auth service, which issues this proxy's service token. */
  AUTH_URL: urlString("http://127.0.0.1:3001"),
  SERVICE_CLIENT_ID: z.string().min(1).default("proxy"),
  SERVICE_CLIENT_SECRET: requiredString(),
  /** Positive validations live this long in memory at most (and never past the token's expiry). */
  CACHE_POSITIVE_TTL_MS: positiveInt(5_000),
  /** Refusals (unknown, expired, revoked) are remembered this long at most. */
  CACHE_NEGATIVE_TTL_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
  CACHE_MAX_ENTRIES: positiveInt(50_000),
  /**
   * A cached grant is re-validated against the token service once it is this old, seconds, however
   * it is cached (memory or Redis) and whether or not revocation events arrive: the bound on how
   * long a revoked token can still pass when the event bus is away (events make it milliseconds
   * otherwise). A grant that cannot be re-validated is refused (503), never admitted stale.
   */
  GRANT_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** Text bodies larger than this are streamed unchanged rather than rewritten. */
  REWRITE_MAX_BYTES: positiveInt(2 * 1024 * 1024),
  /**
   * Private keys that sign the identity assertion sent upstream, as a JWK Set (EC P-256 or RSA,
   * each with a kid): the first signs, all are published at /.well-known/jwks.json. A secret.
   */
  IDENTITY_ASSERTION_KEYS: assertionKeySetSchema,
  IDENTITY_ASSERTION_ISSUER: z.string().min(1).default("tollgate-proxy"),
  /** The assertion's `aud`; by default the upstream's origin. */
  IDENTITY_ASSERTION_AUDIENCE: z.string().min(1).optional(),
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
});
export type ProxyConfig = z.infer<typeof proxyConfigSchema>;

/** Production serves app sessions only over HTTPS, so the session cookie is always `Secure` there. */
const proxyConfigRules = proxyConfigSchema.refine(
  (config) => config.NODE_ENV !== "production" || !config.APP_PUBLIC_ORIGIN || config.APP_PUBLIC_ORIGIN.startsWith("https://"),
  { path: ["APP_PUBLIC_ORIGIN"], message: "must be https:// in production (the app-session cookie is Secure)" },
);

export const loadProxyConfig = (): ProxyConfig => loadConfigOrExit(proxyConfigRules, process.env);
