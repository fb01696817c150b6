import { baseEnvShape, envBoolean, kafkaEnvShape, loadConfigOrExit, port, positiveInt, requiredString, urlString } from "@tollgate/service-kit";
import { z } from "zod";

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
});
export type TokenConfig = z.infer<typeof tokenConfigSchema>;

export const loadTokenConfig = (): TokenConfig => loadConfigOrExit(tokenConfigSchema, process.env);
