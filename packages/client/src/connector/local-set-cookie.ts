import { localCookiePath, type RemoteRoute } from "./remote-route";

/**
 * RFC 6265bis §4.1.3: a `__Secure-` or `__Host-` cookie without `Secure` is refused by the
 * browser, so those keep it (browsers that count loopback as a secure context accept them there).
 */
const SECURE_PREFIXED = /^__(?:secure|host)-/i;

/**
 * One upstream `Set-Cookie` value as the browser should receive it from the connector's local
 * origin, so that the application's own cookies keep working there:
 *
 * - `Domain` is dropped: it names the remote host, and a browser refuses a cookie whose Domain does
 *   not domain-match the origin that set it (RFC 6265 §5.3 step 6); host-only is what we want.
 * - `Secure` is dropped when the local origin is plain http, or the browser would store the cookie
 *   but never send it back over http (RFC 6265 §5.4); with it goes `SameSite=None`, which without
 *   `Secure` makes the browser ignore the whole cookie (RFC 6265bis §5.7).
 * - In prefix mode a `Path` under the proxy's prefix becomes the local path it stands for.
 *
 * The name, value and every other attribute are kept byte for byte.
 */
export function localSetCookie(value: string, options: { secureOrigin: boolean; route: RemoteRoute }): string {
  const [pair = "", ...attributes] = value.split(";");
  const name = pair.split("=", 1)[0]?.trim() ?? "";
  const dropSecure = !options.secureOrigin && !SECURE_PREFIXED.test(name);
  const kept: string[] = [pair];
  for (const attribute of attributes) {
    const [rawKey = "", ...rest] = attribute.split("=");
    const key = rawKey.trim().toLowerCase();
    const attributeValue = rest.join("=").trim();
    if (key === "domain") continue;
    if (dropSecure && (key === "secure" || (key === "samesite" && attributeValue.toLowerCase() === "none"))) continue;
    if (key === "path" && options.route.prefix !== "") {
      kept.push(` Path=${localCookiePath(attributeValue, options.route)}`);
      continue;
    }
    kept.push(attribute);
  }
  return kept.join(";");
}
