/**
 * A path under the proxy's prefix must stay under it. `fetch` resolves dot segments (and reads a
 * percent-encoded dot, or a backslash, as one), so `/../../tokens/my-tokens` would leave
 * `/api/v1/proxy/` and carry the access token to another of our APIs. Refused before any request.
 */
export function assertProxyPath(path: string): void {
  if (!path.startsWith("/") || path.startsWith("//")) throw new TypeError(`path must be root-relative, e.g. /headers (got ${JSON.stringify(path)})`);
  const pathname = path.split(/[?#]/, 1)[0] ?? "";
  for (const segment of pathname.split(/[/\\]/)) {
    if (isDotSegment(segment)) throw new TypeError(`path must not hold "." or ".." segments, plain or percent-encoded (got ${JSON.stringify(path)})`);
  }
}

function isDotSegment(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return false; // not valid percent-encoding: sent as it is, and no URL parser reads it as a dot
  }
  // An encoded slash or backslash inside a segment may be decoded by a server on the way.
  return decoded.split(/[/\\]/).some((part) => part === "." || part === "..");
}
