/**
 * Key rotation: `npm run rotate-keys -w @tollgate/auth-service` (or `rotate-keys:dev` from
 * sources). Adds a new signing key, published at once and signing after
 * SIGNING_KEY_ACTIVATION_DELAY_SECONDS; the keys before it retire then, stay in the JWKS until every
 * token they signed has expired, and are pruned by a later run.
 */
import { createDatabase, createLogger, migrate } from "@tollgate/service-kit";
import { loadAuthConfig } from "./config";
import { createTokenSigner } from "./app";
import { TotpAuthenticatorRepository } from "./data/totp-authenticator.repository";
import { resealTotpSecrets } from "./domain/mfa/reseal-totp-secrets";
import { SigningKeyCipher, totpSecretPurpose } from "./domain/signing-key-cipher";
import { authMigrations } from "./migrations";

async function rotate(): Promise<void> {
  const config = loadAuthConfig();
  const logger = createLogger({ service: "auth-rotate-keys", level: config.LOG_LEVEL });
  const knex = createDatabase({ url: config.DATABASE_URL, logger });
  try {
    await migrate(knex, authMigrations);
    const signer = createTokenSigner(knex, config);
    // A key-encryption key just put first in SIGNING_KEYS_ENCRYPTION_KEYS reseals every key here too.
    const resealed = await signer.reseal();
    // TOTP secrets are sealed under the same keys: reseal them too, so the old key can go.
    const resealedTotpSecrets = await resealTotpSecrets(new TotpAuthenticatorRepository(knex), new SigningKeyCipher(config.SIGNING_KEYS_ENCRYPTION_KEYS, totpSecretPurpose));
    const kid = await signer.rotate();
    const published = (await signer.jwks()).keys.map((jwk) => jwk.kid);
    const pruned = await signer.prune();
    logger.info("signing key rotated", { new_kid: kid, signs_in_seconds: config.SIGNING_KEY_ACTIVATION_DELAY_SECONDS, published_kids: published, pruned, resealed, resealed_totp_secrets: resealedTotpSecrets });
  } finally {
    await knex.destroy();
  }
}

rotate().catch((error: unknown) => {
  process.stderr.write(`key rotation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
