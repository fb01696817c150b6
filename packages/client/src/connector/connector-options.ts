import { accessTokenValueSchema } from "@tollgate/contracts";
import { z } from "zod";
import type { TrustedCa } from "../trusted-ca";
import type { ConnectorEnd } from "./access-watch";

/** Where the connector says what it does; tokens are never passed to it. */
export interface ConnectorLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ConnectorOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 (http or https, no credentials, query or fragment). */
  gatewayUrl: string;
  /** The access token: 64 characters of `[A-Za-z0-9_-]`. */
  token: string;
  /** Local port, 0–65535; 0 (the default) takes any free one. */
  port?: number;
  /** The loopback address to listen on; never anything reachable from other machines. */
  host?: "127.0.0.1" | "::1";
  /** How often to ask whether the token still works when nothing looks wrong; default 30 s. */
  checkIntervalMs?: number;
  fetchImpl?: typeof fetch;
  /** Certificate authorities (PEM) to trust for an https gateway and app origin, besides the system's. */
  ca?: TrustedCa;
  logger?: ConnectorLogger;
  /** Called once when access ends (revoked, expired, invalid) or the connector is closed. */
  onEnded?: (end: ConnectorEnd) => void;
}

const gatewayUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be the gateway's http(s) URL, e.g. http://127.0.0.1:8080" })
  .refine((value) => {
    const url = new URL(value);
    return url.username === "" && url.password === "" && url.search === "" && url.hash === "";
  }, "must not carry credentials, a query or a fragment");

const schema = z.object({
  gatewayUrl: gatewayUrlSchema,
  token: accessTokenValueSchema,
  port: z.number({ error: "must be an integer from 0 to 65535" }).int("must be an integer from 0 to 65535").min(0, "must be an integer from 0 to 65535").max(65_535, "must be an integer from 0 to 65535").default(0),
  host: z.enum(["127.0.0.1", "::1"], { error: "must be a loopback address: 127.0.0.1 or ::1" }).default("127.0.0.1"),
  checkIntervalMs: z.number().int().min(100).max(3_600_000).default(30_000),
});

export type ValidConnectorOptions = z.infer<typeof schema>;

/** Checks every input, throwing a TypeError that names each bad one (the token's value is never shown). */
export function validateConnectorOptions(options: ConnectorOptions): ValidConnectorOptions {
  const parsed = schema.safeParse({ gatewayUrl: options.gatewayUrl, token: options.token, port: options.port, host: options.host, checkIntervalMs: options.checkIntervalMs });
  if (!parsed.success) throw new TypeError(`invalid connector options: ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`);
  return parsed.data;
}
