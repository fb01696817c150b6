import { AppError, AuthenticationError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@tollgate/service-kit";

/** Stable codes of the auth service's own errors. */
export const authErrorCodes = {
  DUPLICATE_EMAIL: "DUPLICATE_EMAIL",
  DUPLICATE_USERNAME: "DUPLICATE_USERNAME",
  RESERVED_USERNAME: "RESERVED_USERNAME",
  WEAK_PASSWORD: "WEAK_PASSWORD",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  INVALID_REFRESH_TOKEN: "INVALID_REFRESH_TOKEN",
  REFRESH_TOKEN_REUSED: "REFRESH_TOKEN_REUSED",
  ACCOUNT_DISABLED: "ACCOUNT_DISABLED",
  INVALID_CLIENT: "INVALID_CLIENT",
  USER_NOT_FOUND: "USER_NOT_FOUND",
} as const;

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
