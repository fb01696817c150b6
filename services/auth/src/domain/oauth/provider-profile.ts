import { z } from "zod";
import { OAuthProviderError } from "../auth-errors";
import type { ProviderAnswer } from "./oauth-provider.port";

/** What a sign-in learned about the person from the provider. */
export interface ProviderProfile {
  subject: string;
  email: string | null;
  /** True only when the provider vouches for the address (`email_verified`); only then may it link to an existing account. */
  emailVerified: boolean;
  /** A hint for the username of a new account. */
  name: string | null;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
/** An address the account table can hold, or none. */
const emailOf = (value: unknown): string | null => (z.email().max(254).safeParse(value).success ? (value as string) : null);
const verified = (value: unknown): boolean => value === true || value === "true";
/** A subject the identity table can hold: `sub`, or GitHub's numeric `id`. */
const subjectOf = (value: unknown): string | null => {
  const subject = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : text(value);
  return subject !== null && subject.length <= 255 ? subject : null;
};

/**
 * OpenID Connect: the verified ID token names the person; the userinfo response adds the profile
 * and must name the same subject (Core §5.3.4). Plain OAuth 2.0: the userinfo response alone
 * (`sub`, or GitHub's numeric `id`).
 */
export function profileFrom(provider: string, { idTokenClaims: claims, userinfo: info }: ProviderAnswer): ProviderProfile {
  if (claims) {
    const subject = subjectOf(claims.sub);
    if (!subject) throw new OAuthProviderError(`provider ${provider} issued an ID token without a usable subject`);
    if (info.sub !== undefined && info.sub !== claims.sub) throw new OAuthProviderError(`provider ${provider} returned a profile of another subject`);
    const email = emailOf(info.email) ?? emailOf(claims.email);
    return {
      subject,
      email,
      emailVerified: email !== null && (emailOf(info.email) ? verified(info.email_verified) : verified(claims.email_verified)),
      name: text(info.preferred_username) ?? text(info.name) ?? text(claims.preferred_username) ?? text(claims.name),
    };
  }
  const subject = subjectOf(info.sub ?? info.id);
  if (!subject) throw new OAuthProviderError(`provider ${provider} returned a profile without a subject`);
  const email = emailOf(info.email);
  return { subject, email, emailVerified: email !== null && verified(info.email_verified), name: text(info.preferred_username) ?? text(info.login) ?? text(info.name) };
}
