import { authErrorCodes } from "@tollgate/contracts";
import { AppError, AuthenticationError, BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@tollgate/service-kit";

/** The e-mail address or the username belongs to another account already. */
export class AlreadyRegisteredError extends ConflictError {
  constructor(readonly field: "email" | "username") {
    super(`${field} is already registered`, field === "email" ? authErrorCodes.DUPLICATE_EMAIL : authErrorCodes.DUPLICATE_USERNAME);
  }
}

export class WeakPasswordError extends ValidationError {
  constructor(field: string, reason: string) {
    super(`${field} ${reason}`, [{ path: field, message: reason }], authErrorCodes.WEAK_PASSWORD);
  }
}

export class ReservedUsernameError extends ValidationError {
  constructor() {
    super("username is reserved", [{ path: "username", message: "is reserved" }], authErrorCodes.RESERVED_USERNAME);
  }
}

/** One answer for unknown user and wrong password. */
export class InvalidCredentialsError extends AuthenticationError {
  constructor() {
    super("invalid login or password", authErrorCodes.INVALID_CREDENTIALS);
  }
}

export class InvalidRefreshTokenError extends AuthenticationError {
  constructor() {
    super("refresh token is invalid or expired", authErrorCodes.INVALID_REFRESH_TOKEN);
  }
}

export class RefreshTokenReusedError extends AuthenticationError {
  constructor() {
    super("refresh token was already used; the session has been revoked", authErrorCodes.REFRESH_TOKEN_REUSED);
  }
}

export class AccountDisabledError extends ForbiddenError {
  constructor() {
    super("account is disabled", authErrorCodes.ACCOUNT_DISABLED);
  }
}

export class InvalidClientError extends AuthenticationError {
  constructor() {
    super("invalid client credentials", authErrorCodes.INVALID_CLIENT);
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super("user not found", authErrorCodes.USER_NOT_FOUND);
  }
}

export class NoPasswordSetError extends ConflictError {
  constructor() {
    super("this account signs in through a provider and has no password to change", authErrorCodes.NO_PASSWORD_SET);
  }
}

export class OAuthProviderNotFoundError extends NotFoundError {
  constructor() {
    super("no such sign-in provider", authErrorCodes.OAUTH_PROVIDER_NOT_FOUND);
  }
}

export class RedirectUriNotAllowedError extends BadRequestError {
  constructor() {
    super("redirect_uri is not on the allow-list", authErrorCodes.REDIRECT_URI_NOT_ALLOWED);
  }
}

/** Unknown, expired, already used, or started for another provider: one answer. */
export class InvalidOAuthStateError extends BadRequestError {
  constructor() {
    super("state is unknown, expired or already used; start the sign-in again", authErrorCodes.INVALID_OAUTH_STATE);
  }
}

export class OAuthCodeRejectedError extends BadRequestError {
  constructor(providerError: string) {
    super(`the provider refused the authorization code (${providerError}); start the sign-in again`, authErrorCodes.OAUTH_CODE_REJECTED);
  }
}

/** `reason` is logged as the cause, never shown. */
export class InvalidIdTokenError extends AuthenticationError {
  constructor(reason: string) {
    super("the provider's ID token could not be verified", authErrorCodes.INVALID_ID_TOKEN, { cause: reason });
  }
}

/** The provider answered, but not with what the protocol promises (no subject, a broken token response…). */
export class OAuthProviderError extends AppError {
  constructor(detail: string) {
    super(502, authErrorCodes.OAUTH_PROVIDER_ERROR, detail);
  }
}

export class OAuthEmailRequiredError extends ValidationError {
  constructor() {
    super("the provider shared no e-mail address; allow it to, then sign in again", [], authErrorCodes.OAUTH_EMAIL_REQUIRED);
  }
}

export class OAuthEmailInUseError extends ConflictError {
  constructor() {
    super("an account with this e-mail exists and the provider does not vouch for the address; sign in to that account and link the provider", authErrorCodes.OAUTH_EMAIL_IN_USE);
  }
}

export class IdentityAlreadyLinkedError extends ConflictError {
  constructor() {
    super("this provider account is linked to another user, or this user already has one of that provider", authErrorCodes.IDENTITY_ALREADY_LINKED);
  }
}

export class IdentityNotFoundError extends NotFoundError {
  constructor() {
    super("no identity of that provider is linked to this account", authErrorCodes.IDENTITY_NOT_FOUND);
  }
}

export class LastSignInMethodError extends ConflictError {
  constructor() {
    super("this is the account's only way to sign in; link another provider first", authErrorCodes.LAST_SIGN_IN_METHOD);
  }
}
