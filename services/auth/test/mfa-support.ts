import { mfaChallengeResponseSchema, recoveryCodesResponseSchema, totpEnrolmentResponseSchema, type MfaChallengeResponse } from "@tollgate/contracts";
import { totpCodeAt } from "../src/domain/mfa/totp";
import { call, type Canaries } from "./support";

/**
 * The code an authenticator app shows `steps` time steps from now (30 s each). The server accepts
 * the step before and after the current one, and each step once: tests use -1 for confirming, 0
 * for the next use and +1 for the one after, so no test waits for the clock.
 */
export const codeAt = (secret: string, steps = 0): string => totpCodeAt(secret, Date.now() + steps * 30_000);

/** A six-digit code that is none of those the secret accepts now. */
export function wrongCode(secret: string): string {
  const near = [-2, -1, 0, 1, 2].map((steps) => codeAt(secret, steps));
  return ["000000", "111111", "222222", "333333", "444444", "555555"].find((code) => !near.includes(code)) ?? "666666";
}

/** Enrols and confirms TOTP for the holder of `accessToken`; the secret and codes become canaries. */
export async function turnOnTotp(target: { baseUrl: string }, accessToken: string, canaries: Canaries): Promise<{ secret: string; otpauthUri: string; recoveryCodes: string[] }> {
  const enrolled = await call(target, "POST", "/api/v1/users/me/mfa/totp", { token: accessToken });
  if (enrolled.status !== 201) throw new Error(`enrol answered ${enrolled.status}: ${JSON.stringify(enrolled.body)}`);
  const { secret, otpauth_uri } = totpEnrolmentResponseSchema.parse(enrolled.body);
  canaries.add(secret);
  const confirmed = await call(target, "POST", "/api/v1/users/me/mfa/totp/confirm", { token: accessToken, body: { totp_code: codeAt(secret, -1) } });
  if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
  const { recovery_codes } = recoveryCodesResponseSchema.parse(confirmed.body);
  for (const code of recovery_codes) canaries.add(code);
  return { secret, otpauthUri: otpauth_uri, recoveryCodes: recovery_codes };
}

/** The first step of a login that must answer MFA_REQUIRED. */
export async function loginForChallenge(target: { baseUrl: string }, login: string, password: string, canaries: Canaries, headers: Record<string, string> = {}): Promise<MfaChallengeResponse> {
  const answer = await call(target, "POST", "/api/v1/auth/login", { body: { login, password }, headers });
  if (answer.status !== 200) throw new Error(`login answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const challenge = mfaChallengeResponseSchema.parse(answer.body);
  canaries.add(challenge.mfa_token);
  return challenge;
}
