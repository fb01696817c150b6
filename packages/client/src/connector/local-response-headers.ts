import type { IncomingHttpHeaders } from "node:http";
import { localSetCookie } from "./local-set-cookie";
import { toLocal, type RemoteRoute } from "./remote-route";

/**
 * A response's headers as the browser should see them from the connector's local origin, mapped
 * in place: `Location` and `Content-Location` (RFC 9110 §10.2.2, §8.7) naming the remote side
 * point back at the local origin, and every `Set-Cookie` is made to work there (see
 * `localSetCookie`). Bodies are never touched.
 */
export function mapResponseHeaders(headers: IncomingHttpHeaders, context: { localOrigin: string; route: RemoteRoute }): void {
  for (const name of ["location", "content-location"] as const) {
    const value = headers[name];
    if (typeof value === "string") headers[name] = toLocal(value, context.localOrigin, context.route);
  }
  const cookies = headers["set-cookie"];
  if (cookies) {
    const secureOrigin = context.localOrigin.startsWith("https:");
    headers["set-cookie"] = cookies.map((cookie) => localSetCookie(cookie, { secureOrigin, route: context.route }));
  }
}
