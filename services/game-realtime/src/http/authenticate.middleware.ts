import { AuthenticationError, bearerToken } from "@tollgate/service-kit";
import type { RequestHandler, Response } from "express";
import type { VerifiedAccessToken } from "../auth/access-token-verifier";
import type { Authenticator } from "../auth/authenticator";

/** Requires a valid `Authorization: Bearer` access token of an unrevoked session; a refusal has the code the WebSocket's `auth_error` has. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AuthenticationError();
    const result = await authenticator.authenticate(token);
    if (!result.ok) throw new AuthenticationError(result.message, result.code);
    res.locals.principal = result.principal;
    next();
  };
}

export function principalOf(res: Response): VerifiedAccessToken {
  return res.locals.principal as VerifiedAccessToken;
}
