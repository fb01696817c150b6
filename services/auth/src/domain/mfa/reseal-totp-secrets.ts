import type { SigningKeyCipher } from "../signing-key-cipher";
import type { TotpAuthenticators } from "./mfa.port";

/**
 * Seals every stored TOTP secret that is not sealed with the current key-encryption key (stored
 * before SIGNING_KEYS_ENCRYPTION_KEYS was set, or under a key being retired), as the signing keys
 * are at start and by `rotate-keys`, so the old key can be dropped afterwards. Each row changes
 * only if it still holds what was read (instances starting together). Returns how many changed.
 */
export async function resealTotpSecrets(authenticators: TotpAuthenticators, secrets: SigningKeyCipher): Promise<number> {
  if (!secrets.enabled) return 0;
  let resealed = 0;
  for (const { userId, secretSealed } of await authenticators.listSealed()) {
    if (!secrets.needsReseal(secretSealed)) continue;
    if (await authenticators.reseal(userId, secretSealed, secrets.seal(userId, secrets.open(userId, secretSealed)))) resealed++;
  }
  return resealed;
}
