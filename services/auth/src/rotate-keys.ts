/**
 * Key rotation: `npm run rotate-keys -w @tollgate/auth-service` (or `rotate-keys:dev` from
 * sources). Adds a new signing key and retires the current one; retired keys stay in the JWKS until
 * every token they signed has expired, then this command prunes them.
 */
import { createDatabase, createLogger, loadConfigOrExit, migrate } from "@tollgate/service-kit";
import { authEnvSchema } from "./config";
import { createTokenSigner, retiredKeyRetentionSeconds } from "./app";
import { SigningKeyRepository } from "./data/signing-key.repository";
import { generateSigningKey } from "./domain/signing-keys";
import { authMigrations } from "./migrations";

async function rotate(): Promise<void> {
  const config = loadConfigOrExit(authEnvSchema, process.env);
  const logger = createLogger({ service: "auth-rotate-keys", level: config.LOG_LEVEL });
  const knex = createDatabase({ url: config.DATABASE_URL, logger });
  try {
    await migrate(knex, authMigrations);
    const keys = new SigningKeyRepository(knex);
    const key = generateSigningKey();
    await keys.add(key, { onlyIfNone: false });
    const signer = createTokenSigner(knex, config);
    const published = (await signer.jwks()).keys.map((jwk) => jwk.kid);
    const pruned = await keys.prune(retiredKeyRetentionSeconds(config));
    logger.info("signing key rotated", { new_kid: key.kid, published_kids: published, pruned });
  } finally {
    await knex.destroy();
  }
}

rotate().catch((error: unknown) => {
  process.stderr.write(`key rotation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
