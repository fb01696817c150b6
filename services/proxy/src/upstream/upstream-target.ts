/** The upstream as the proxy addresses it, parsed once from `UPSTREAM_URL`. */
export interface UpstreamTarget {
  /** e.g. http://10.0.0.5:8888 (RFC 6454 serialisation) */
  origin: string;
  /** e.g. 10.0.0.5:8888: the Host header it expects */
  host: string;
  /** The URL's path without a trailing slash, "" when none: e.g. /notebooks */
  basePath: string;
  /** Send the public host in Host instead of the upstream's own (`UPSTREAM_HOST_HEADER=preserve`). */
  preserveHost: boolean;
}

export function upstreamTarget(upstreamUrl: string, preserveHost = false): UpstreamTarget {
  const url = new URL(upstreamUrl);
  return { origin: url.origin, host: url.host, basePath: url.pathname.replace(/\/+$/, ""), preserveHost };
}
