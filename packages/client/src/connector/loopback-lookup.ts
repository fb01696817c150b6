import dns, { type LookupAddress, type LookupOptions } from "node:dns";

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** RFC 6761 §6.3: "localhost." and every name under it are the loopback host. */
export const isLocalhostName = (hostname: string): boolean => /^(?:.+\.)?localhost\.?$/i.test(hostname);

/**
 * A `lookup` for `net.connect` (through an `http.Agent`) that answers `localhost` and `*.localhost`
 * with the loopback address itself, as RFC 6761 §6.3 asks of name-resolution APIs, and asks the
 * system resolver about every other name. Browsers do this already; the OS resolver often does not
 * (glibc resolves `localhost` but not `app.localhost`), and the app origin of a local stack is
 * `http://app.localhost:8080`.
 *
 * Answers in both shapes `net` asks for: one address, or a list when `options.all` is set (as it
 * is with `autoSelectFamily`, Node's default since v20).
 */
export function loopbackLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (!isLocalhostName(hostname)) {
    dns.lookup(hostname, options, callback);
    return;
  }
  const loopback: LookupAddress = options.family === 6 || options.family === "IPv6" ? { address: "::1", family: 6 } : { address: "127.0.0.1", family: 4 };
  if (options.all) callback(null, [loopback]);
  else callback(null, loopback.address, loopback.family);
}
