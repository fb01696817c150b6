/**
 * Express middleware over `JwtVerifier`:
 *
 *   router.get("/me", requireUser({ verifier, revocations: view }), (req, res) => res.json(authenticatedUser(res)));
 *   router.get("/admin", requireUser({ verifier, revocations: view, role: "admin" }), …);
 *   router.use(requireServiceCaller(verifier, "tokens:validate")); // an internal router
 *
 * A missing or bad `Authorization: Bearer` header is a 401, a revoked session is a 401, a wrong
 * role or a missing scope is a 403, all in the standard error body (via the app's error handler).
 */
import type { AccessTokenClaims, UserRole } from "@tollgate/contracts";
import type { RequestHandler, Response } from "express";
import { AuthenticationError, ForbiddenError } from "../errors";
import type { JwtVerifier } from "./jwt-verifier";
import type { SessionClaims } from "./revoked-session-view";

export const SESSION_REVOKED = "SESSION_REVOKED";

/** Answers whether verified claims belong to a revoked session or disabled user. */
export interface RevocationCheck {
  isRevoked(claims: SessionClaims): boolean | Promise<boolean>;
}

export interface RequireUserOptions {
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  role?: UserRole;
}

const USER = "tollgateUser";

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is
 * case-insensitive, RFC 9110 §11.1), or undefined when the header is absent or has another form.
 * Every service reads bearer tokens through this one function, over HTTP and on WebSocket upgrades.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(header ?? "");
  return match?.[1];
}

export function requireUser(options: RequireUserOptions): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return next(new AuthenticationError());
    options.verifier
      .verifyAccessToken(token)
      .then(async (claims) => {
        if (options.revocations && (await options.revocations.isRevoked(claims))) {
          throw new AuthenticationError("session has been revoked", SESSION_REVOKED);
        }
        if (options.role !== undefined && claims.role !== options.role) throw new ForbiddenError(`requires role ${options.role}`);
        res.locals[USER] = claims;
        next();
      })
      .catch(next);
  };
}

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

/** The claims `requireUser` attached; throws when the route forgot the middleware. */
export function authenticatedUser(res: Response): AccessTokenClaims {
  const claims = res.locals[USER] as AccessTokenClaims | undefined;
  if (!claims) throw new Error("requireUser() is not mounted on this route");
  return claims;
}
