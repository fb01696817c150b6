import { authErrorCodes } from "@tollgate/contracts";
import { AppError, AuthenticationError, BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@tollgate/service-kit";

export const duplicateError = (field: "email" | "username"): AppError =>
  new ConflictError(`${field} is already registered`, field === "email" ? authErrorCodes.DUPLICATE_EMAIL : authErrorCodes.DUPLICATE_USERNAME);

export const weakPasswordError = (field: string, reason: string): AppError =>
  new ValidationError(`${field} ${reason}`, [{ path: field, message: reason }], authErrorCodes.WEAK_PASSWORD);

export const reservedUsernameError = (): AppError =>
  new ValidationError("username is reserved", [{ path: "username", message: "is reserved" }], authErrorCodes.RESERVED_USERNAME);

/** One answer for unknown user and wrong password. */
export const invalidCredentialsError = (): AppError => new AuthenticationError("invalid login or password", authErrorCodes.INVALID_CREDENTIALS);

export const invalidRefreshTokenError = (): AppError => new AuthenticationError("refresh token is invalid or expired", authErrorCodes.INVALID_REFRESH_TOKEN);

export const refreshReusedError = (): AppError =>
  new AuthenticationError("refresh token was already used; the session has been revoked", authErrorCodes.REFRESH_TOKEN_REUSED);

export const accountDisabledError = (): AppError => new ForbiddenError("account is disabled", authErrorCodes.ACCOUNT_DISABLED);

export const invalidClientError = (): AppError => new AuthenticationError("invalid client credentials", authErrorCodes.INVALID_CLIENT);

export const userNotFoundError = (): AppError => new NotFoundError("user not found", authErrorCodes.USER_NOT_FOUND);

export const noPasswordSetError = (): AppError => new ConflictError("this account signs in through a provider and has no password to change", authErrorCodes.NO_PASSWORD_SET);

export const oauthProviderNotFoundError = (): AppError => new NotFoundError("no such sign-in provider", authErrorCodes.OAUTH_PROVIDER_NOT_FOUND);

export const redirectUriNotAllowedError = (): AppError => new BadRequestError("redirect_uri is not on the allow-list", authErrorCodes.REDIRECT_URI_NOT_ALLOWED);

/** Unknown, expired, already used, or started for another provider: one answer. */
export const invalidOAuthStateError = (): AppError => new BadRequestError("state is unknown, expired or already used; start the sign-in again", authErrorCodes.INVALID_OAUTH_STATE);

export const oauthCodeRejectedError = (providerError: string): AppError =>
  new BadRequestError(`the provider refused the authorization code (${providerError}); start the sign-in again`, authErrorCodes.OAUTH_CODE_REJECTED);

export const invalidIdTokenError = (reason: string): AppError => new AuthenticationError("the provider's ID token could not be verified", authErrorCodes.INVALID_ID_TOKEN, { cause: reason });

/** The provider answered, but not with what the protocol promises (no subject, a broken token response…). */
export const oauthProviderError = (detail: string): AppError => new AppError(502, authErrorCodes.OAUTH_PROVIDER_ERROR, detail);

export const oauthEmailRequiredError = (): AppError =>
  new ValidationError("the provider shared no e-mail address; allow it to, then sign in again", [], authErrorCodes.OAUTH_EMAIL_REQUIRED);

export const oauthEmailInUseError = (): AppError =>
  new ConflictError("an account with this e-mail exists and the provider does not vouch for the address; sign in to that account and link the provider", authErrorCodes.OAUTH_EMAIL_IN_USE);

export const identityAlreadyLinkedError = (): AppError => new ConflictError("this provider account is linked to another user, or this user already has one of that provider", authErrorCodes.IDENTITY_ALREADY_LINKED);

export const identityNotFoundError = (): AppError => new NotFoundError("no identity of that provider is linked to this account", authErrorCodes.IDENTITY_NOT_FOUND);

export const lastSignInMethodError = (): AppError =>
  new ConflictError("this is the account's only way to sign in; link another provider first", authErrorCodes.LAST_SIGN_IN_METHOD);
