import { createHash, randomInt } from "node:crypto";
import { RECOVERY_CODE_COUNT } from "@tollgate/contracts";

/**
 * Crockford's base32 alphabet: no I, L, O or U, so what a person copies from paper reads back
 * the same (I and L are read as 1, O as 0).
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const GROUPS = 4;
const GROUP_LENGTH = 4;

/**
 * Ten recovery codes (OWASP MFA Cheat Sheet: single-use codes printed or stored when the factor is
 * set up), each 16 base32 characters = 80 random bits, shown as `xxxx-xxxx-xxxx-xxxx`. At 80 bits
 * a stolen table of their SHA-256s cannot be searched (2^80 hashes), so a slow password hash,
 * which would cost 10 argon2 runs per attempt, buys nothing.
 */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () =>
    Array.from({ length: GROUPS }, () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join("")).join("-"),
  );
}

/**
 * A code as typed, in the form its hash is taken of: case, dashes and spaces ignored, I/L read
 * as 1 and O as 0. Undefined when it cannot be a recovery code (wrong length or letters), so no
 * lookup is made for it.
 */
export function normaliseRecoveryCode(typed: string): string | undefined {
  const compact = typed.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
  if (compact.length !== GROUPS * GROUP_LENGTH) return undefined;
  return [...compact].every((character) => ALPHABET.includes(character)) ? compact : undefined;
}

/** What is stored: SHA-256 hex of the normalised code. */
export function recoveryCodeSha256(normalised: string): string {
  return createHash("sha256").update(`tollgate-recovery-code:${normalised}`).digest("hex");
}

/** What is stored for codes as `newRecoveryCodes` shows them. */
export function recoveryCodeHashes(codes: string[]): string[] {
  return codes.map((code) => recoveryCodeSha256(normaliseRecoveryCode(code) ?? code));
}
