import { randomBytes } from "node:crypto";

/** What a mailed token is for; the same names as the mails that carry them. */
export const accountTokenPurposes = ["email_verification", "password_reset"] as const;
export type AccountTokenPurpose = (typeof accountTokenPurposes)[number];

/**
 * A new verification or reset token: 256 random bits, base64url (43 characters, the shape
 * `accountTokenSchema` accepts). Only its SHA-256 (`tokenSha256`) is stored; a 256-bit value
 * needs no slow hash (OWASP Forgot Password Cheat Sheet: tokens long enough that guessing fails).
 */
export function newAccountToken(): string {
  return randomBytes(32).toString("base64url");
}
