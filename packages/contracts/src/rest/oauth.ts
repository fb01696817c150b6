import { z } from "zod";
import { tokenPairResponseSchema } from "./auth";

/** A provider's name as configured (`OAUTH_PROVIDERS=google,github`) and as it appears in paths. */
export const oauthProviderNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "lower-case letters, digits and '-'");

export const oauthProviderParamsSchema = z.strictObject({ provider: oauthProviderNameSchema });
export type OAuthProviderParams = z.infer<typeof oauthProviderParamsSchema>;

/** `GET /api/v1/auth/oauth/{provider}/authorize?redirect_uri=` — where the provider sends the browser back. */
export const oauthAuthorizeQuerySchema = z.strictObject({
  redirect_uri: z.url().max(2_048),
});
export type OAuthAuthorizeQuery = z.infer<typeof oauthAuthorizeQuerySchema>;

/** `GET /api/v1/auth/oauth/{provider}/callback?code=&state=` — what the provider handed to the redirect URI. */
export const oauthCallbackQuerySchema = z.object({
  code: z.string().min(1).max(2_048).regex(/^[\x21-\x7e]+$/, "printable ASCII only"),
  state: z.string().min(1).max(256).regex(/^[A-Za-z0-9_-]+$/, "base64url only"),
  // Providers add their own parameters (scope, authuser, iss, session_state…): accepted, ignored.
});
export type OAuthCallbackQuery = z.infer<typeof oauthCallbackQuerySchema>;

/** How the callback found the account it signed in. */
export const oauthOutcomeSchema = z.enum(["existing_identity", "linked_by_email", "linked_to_account", "created"]);
export type OAuthOutcome = z.infer<typeof oauthOutcomeSchema>;

/** The usual token pair, plus how the account was found. */
export const oauthCallbackResponseSchema = tokenPairResponseSchema.extend({
  provider: oauthProviderNameSchema,
  outcome: oauthOutcomeSchema,
});
export type OAuthCallbackResponse = z.infer<typeof oauthCallbackResponseSchema>;

export const identityResponseSchema = z.object({
  provider: oauthProviderNameSchema,
  subject: z.string(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  created_at: z.iso.datetime({ offset: true }),
  last_login_at: z.iso.datetime({ offset: true }).nullable(),
});
export type IdentityResponse = z.infer<typeof identityResponseSchema>;

export const identitiesResponseSchema = z.object({
  identities: z.array(identityResponseSchema),
  /** False for accounts created through a provider that never set one. */
  has_password: z.boolean(),
});
export type IdentitiesResponse = z.infer<typeof identitiesResponseSchema>;
