import { InvalidArgumentError } from "commander";
import { assertProxyPath } from "../proxy-path";

/**
 * Parsers for command-line values, so a bad one is named and exits 2 before anything is asked or
 * sent (commander prints the message; `runCli` turns its error into the usage exit code).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** An id the services gave out (tokens, games): always a UUID. `where` says where to find the right one. */
export const parseUuid =
  (what: string, where: string) =>
  (value: string): string => {
    if (!isUuid(value)) throw new InvalidArgumentError(`${what} is a UUID such as 6f1d8a60-4c1e-4d59-9a57-2f4a7d0c1b11 (${where}).`);
    return value;
  };

/** A local TCP port: an integer from 0 to 65535, 0 meaning any free one. */
export function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new InvalidArgumentError("a port is an integer from 0 to 65535 (0: any free one).");
  return port;
}

/** A value for one field of a request, checked with the contract's own schema: the service's rule, refused here before a prompt. */
export const parseField =
  (schema: { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: { message: string }[] } } }) =>
  (value: string): string => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`${parsed.error.issues.map((issue) => issue.message).join("; ")}.`);
    return value;
  };

/** A path of the application behind the proxy: the SDK's own rule, so a bad one exits 2 here. */
export function parseProxyPath(value: string): string {
  try {
    assertProxyPath(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
  return value;
}
