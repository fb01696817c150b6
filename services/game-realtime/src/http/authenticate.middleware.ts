import { commonErrorCodes } from "@tollgate/contracts";
import { AuthenticationError } from "@tollgate/service-kit";
import type { RequestHandler, Response } from "express";
import type { VerifiedAccessToken } from "../auth/access-token-verifier";
import { bearerToken, type AuthFailureCode, type Authenticator } from "../auth/authenticator";

/** The HTTP codes of the WebSocket's `auth_error` codes: the bearer JWT's own, as every service answers. */
const HTTP_ERROR_CODES: Record<AuthFailureCode, string> = {
  invalid_token: commonErrorCodes.BEARER_TOKEN_INVALID,
  token_expired: commonErrorCodes.BEARER_TOKEN_EXPIRED,
  session_revoked: "SESSION_REVOKED",
  user_disabled: "USER_DISABLED",
};

/** Requires a valid `Authorization: Bearer` access token of an unrevoked session. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AuthenticationError();
    const result = await authenticator.authenticate(token);
    if (!result.ok) throw new AuthenticationError(result.message, HTTP_ERROR_CODES[result.code]);
    res.locals.principal = result.principal;
    next();
  };
}

export function principalOf(res: Response): VerifiedAccessToken {
  return res.locals.principal as VerifiedAccessToken;
}
