import { AuthenticationError, bearerToken, ForbiddenError, type JwtVerifier } from "@tollgate/service-kit";
import type { RequestHandler } from "express";

// The token service's http/service-caller.ts does the same for its internal routes; one copy in
// service-kit would serve both.

/**
 * Internal endpoints take service tokens with a scope. A valid *user* token is a 403 (the caller
 * is known but may not come here), anything else a 401.
 */
export function requireServiceCaller(verifier: JwtVerifier, scope: string): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return next(new AuthenticationError("service token required"));
    verifier
      .verifyServiceToken(token, scope)
      .then(() => next())
      .catch(async (error: unknown) => {
        const isUserToken = await verifier.verifyAccessToken(token).then(
          () => true,
          () => false,
        );
        next(isUserToken ? new ForbiddenError("user tokens may not call internal endpoints") : error);
      });
  };
}
