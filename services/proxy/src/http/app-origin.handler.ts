import { accessTokenHash } from "@tollgate/service-kit";
import type { IncomingMessage, ServerResponse } from "node:http";
import { APP_SESSION_COOKIE, appOriginPaths } from "@tollgate/contracts";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import type { AppSessionUseCases } from "../domain/app-session.use-case";
import type { Grant } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import type { Forwarder } from "../upstream/forwarder";
import { prepareUpstreamRequest, requestHasBody, type PublicSide } from "../upstream/upstream-request";
import type { UpstreamTarget } from "../upstream/upstream-target";
import type { IdentityAsserter } from "../identity/identity-assertion";
import { assertUnambiguousLength } from "./proxy.handler";
import { singleHeader } from "./public-side";

export interface AppOriginDeps {
  validator: TokenValidator;
  sessions: AppSessionUseCases;
  forwarder: Forwarder;
  target: UpstreamTarget;
  asserter: IdentityAsserter;
  side: PublicSide;
  basicAuth?: string;
}

/**
 * The app-session cookie of a request. More than one cookie of that name (a page script or another
 * path can add a second one beside the HttpOnly original, and browsers send both) makes the
 * session ambiguous: a planted session could run the user's requests as someone else, so such a
 * request has no session at all.
 */
export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  const named = header.split(";").filter((pair) => pair.trim().startsWith(`${APP_SESSION_COOKIE}=`));
  if (named.length !== 1) return undefined;
  return parseCookies(header)[APP_SESSION_COOKIE];
}

/**
 * Who is calling on the app origin: a desktop connector sends its access token in
 * `X-Access-Token`; a browser presents its app-session cookie. Either way the token is checked.
 */
export async function appOriginCredentials(req: IncomingMessage, deps: Pick<AppOriginDeps, "validator" | "sessions">): Promise<{ grant: Grant; tokenSha256: string }> {
  const token = singleHeader(req.headers["x-access-token"]);
  if (token) return { grant: await deps.validator.validate(token), tokenSha256: accessTokenHash(token) };
  return deps.sessions.authenticate(sessionCookieOf(req));
}

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  // HttpOnly: page scripts never read it; SameSite=Lax: other sites' subrequests do not carry it
  // (RFC 6265bis §8.8); Secure whenever the app origin is https.
  return serializeCookie(APP_SESSION_COOKIE, value, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: maxAgeSeconds });
}

/**
 * Requests on the app origin: the upstream at the root, path for path, bodies untouched. Two paths
 * are the proxy's own: the launch (ticket → cookie → redirect) and the sign-out.
 */
export function appOriginHandler(deps: AppOriginDeps) {
  const secure = deps.side.origin.startsWith("https://");
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Appended, not resolved: `new URL("//%ff", origin)` reads a host from the path and throws (a 500).
    const url = new URL(`${deps.side.origin}${req.url?.startsWith("/") ? req.url : "/"}`);
    if (url.pathname === appOriginPaths.launch && (req.method === "GET" || req.method === "HEAD")) {
      const opened = await deps.sessions.open(url.searchParams.get("ticket") ?? undefined);
      res.writeHead(303, { Location: opened.path, "Set-Cookie": sessionCookie(opened.sessionId, opened.maxAgeSeconds, secure), "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Length": 0 });
      res.end();
      return;
    }
    if (url.pathname === appOriginPaths.logout) {
      await deps.sessions.close(sessionCookieOf(req));
      res.writeHead(303, { Location: "/", "Set-Cookie": sessionCookie("", 0, secure), "Cache-Control": "no-store", "Content-Length": 0 });
      res.end();
      return;
    }
    assertUnambiguousLength(req.headers);
    const { grant } = await appOriginCredentials(req, deps);
    const hasBody = requestHasBody(req.headers);
    prepareUpstreamRequest(req, grant, {
      target: deps.target,
      side: deps.side,
      basicAuth: deps.basicAuth,
      requestId: String(req.headers["x-request-id"]),
      assertion: deps.asserter.assertion(grant),
      remoteAddress: req.socket.remoteAddress ?? "unknown",
      upgrade: false,
    });
    await deps.forwarder.web(req, res, hasBody, deps.side);
  };
}
