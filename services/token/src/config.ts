import { baseEnvShape, envBoolean, kafkaEnvShape, loadConfigOrExit, port, positiveInt, requiredString, urlString } from "@tollgate/service-kit";
import { z } from "zod";
import { purchaseCrashPoints } from "./domain/crash-point";

export const tokenConfigSchema = z.object({
  ...baseEnvShape,
  ...kafkaEnvShape,
  PORT: port(3002),
  DATABASE_URL: requiredString().pipe(z.url({ error: "must be a postgres:// URL" })),
  /** Where the auth service publishes its signing keys. */
  AUTH_JWKS_URL: urlString("http://127.0.0.1:3001/.well-known/jwks.json"),
  JWT_ISSUER: z.string().min(1).default("tollgate-auth"),
  JWT_AUDIENCE: z.string().min(1).default("tollgate"),
  /** Longest access-token lifetime, so revoked sessions are remembered that long. */
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  /** How many pending + active tokens one user may hold. */
  MAX_TOKENS_PER_USER: positiveInt(10),
  /** Refuse purchases (403 EMAIL_NOT_VERIFIED) from accounts whose access JWT does not say `email_verified: true`. */
  REQUIRE_VERIFIED_EMAIL: envBoolean(false),
  /** The billing service, which debits a purchase's price and refunds it. */
  BILLING_URL: urlString("http://127.0.0.1:3005"),
  /** Per-attempt limit of a call to billing; past it the purchase answers 503 and stays pending for the sweep. */
  BILLING_TIMEOUT_MS: positiveInt(3_000),
  BILLING_BREAKER_THRESHOLD: positiveInt(5),
  BILLING_HALF_OPEN_MS: positiveInt(5_000),
  /** The auth service, which issues this service's service token (client credentials, scope billing:purchases). */
  AUTH_URL: urlString("http://127.0.0.1:3001"),
  SERVICE_CLIENT_ID: z.string().min(1).default("token"),
  SERVICE_CLIENT_SECRET: requiredString(),
  /**
   * Seals the stored answers replayed for an `Idempotency-Key` (they hold the plaintext token):
   * base64 of 32 random bytes (`openssl rand -base64 32`). A secret; no default.
   */
  IDEMPOTENCY_ENCRYPTION_KEY: requiredString().refine((value) => Buffer.from(value, "base64").length === 32, "must be base64 of exactly 32 bytes"),
  /** A purchase still pending this long (seconds) is given up: its debit, if any, is refunded and a late one refused. */
  PURCHASE_RECOVERY_AFTER_SECONDS: positiveInt(30),
  /** How often the recovery sweep runs, ms. */
  PURCHASE_SWEEP_INTERVAL_MS: positiveInt(5_000),
  /**
   * Test-only (honoured only when NODE_ENV=test): the process SIGKILLs itself at this step of a
   * purchase, so the crash tests can show that no step loses money. Refused in any other NODE_ENV.
   */
  PURCHASE_CRASH_POINT: z.enum(purchaseCrashPoints).optional(),
});
export type TokenConfig = z.infer<typeof tokenConfigSchema>;

/** The crash hook must never be reachable outside the tests. */
export const tokenConfigRules = tokenConfigSchema.refine((config) => !config.PURCHASE_CRASH_POINT || config.NODE_ENV === "test", {
  path: ["PURCHASE_CRASH_POINT"],
  message: "is honoured only with NODE_ENV=test",
});

export const loadTokenConfig = (): TokenConfig => loadConfigOrExit(tokenConfigRules, process.env);
