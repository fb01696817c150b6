const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

const isLoopback = (url: URL): boolean => url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);

/** Everything but the port, for comparing loopback redirects. */
const withoutPort = (url: URL): string => `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;

/**
 * Where a provider may send the browser back. Exact match, except that a loopback entry
 * (`http://127.0.0.1/callback`) matches the same address and path on any port: a desktop client
 * listens on whatever port the system gave it (RFC 8252 §7.3).
 */
export class RedirectUriAllowList {
  private readonly exact: Set<string>;
  private readonly loopback: Set<string>;

  constructor(uris: readonly string[]) {
    const parsed = uris.map(parse).filter((url): url is URL => url !== undefined);
    this.exact = new Set(parsed.map((url) => url.href));
    this.loopback = new Set(parsed.filter(isLoopback).map(withoutPort));
  }

  allows(uri: string): boolean {
    const url = parse(uri);
    if (!url || url.hash || url.username || url.password) return false;
    if (this.exact.has(url.href)) return true;
    return isLoopback(url) && this.loopback.has(withoutPort(url));
  }
}
