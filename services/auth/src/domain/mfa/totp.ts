import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "@tollgate/contracts";
import { Secret, TOTP } from "otpauth";

/** RFC 4226 §4 R6: a shared secret of at least 128 bits, 160 recommended (the size of an HMAC-SHA-1 key). */
const SECRET_BYTES = 20;

/**
 * Codes of the time steps next to the current one are accepted too, for clock drift and the
 * seconds a person takes to type (RFC 6238 §5.2 recommends at most one step of network delay).
 */
const WINDOW_STEPS = 1;

/** A new shared secret: 160 random bits, base32 (RFC 4648, no padding), as authenticator apps read it. */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totp(secretBase32: string, label = "", issuer = ""): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secretBase32), algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

/**
 * The key URI an authenticator app scans (`otpauth://totp/<issuer>:<account>?secret=…&issuer=…`,
 * the de facto format every app reads): the issuer names the service in the app's list.
 */
export function otpauthUri(secretBase32: string, { issuer, accountName }: { issuer: string; accountName: string }): string {
  return totp(secretBase32, accountName, issuer).toString();
}

/** The RFC 6238 time step of an instant: whole periods since the Unix epoch. */
export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step (T in RFC 6238 §4) whose code `code` is, among the current step and its
 * neighbours at `atMs`; null when it is none of them. Comparison is constant-time (the library
 * compares with `crypto.timingSafeEqual`). Whether that step was used already is the caller's to
 * check: a step is accepted once (§5.2).
 */
export function matchTotpStep(secretBase32: string, code: string, atMs: number): number | null {
  const delta = totp(secretBase32).validate({ token: code, timestamp: atMs, window: WINDOW_STEPS });
  return delta === null ? null : totpStep(atMs) + delta;
}

/** The code of a time step; for tests and tools, never sent by the service. */
export function totpCodeAt(secretBase32: string, atMs: number): string {
  return totp(secretBase32).generate({ timestamp: atMs });
}
