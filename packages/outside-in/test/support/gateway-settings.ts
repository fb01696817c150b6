import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./stack";

/** The local stack's gateway settings, as `npm start` reads them (infra/local/env/gateway.env). */
export function gatewaySettings(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, "infra/local/env/gateway.env"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const settings = gatewaySettings();
const portOf = (address: string | undefined) => Number(address?.split(":").pop());
/** The plain-HTTP listener's port (8080). */
export const HTTP_PORT = portOf(settings.GATEWAY_LISTEN);
/** The TLS listener (8443): HTTPS, HTTP/2, WSS. */
export const TLS_PORT = portOf(settings.GATEWAY_TLS_LISTEN);
/** The app origin's host name, and the Host a browser sends for it on the HTTP listener. */
export const APP_HOST = settings.GATEWAY_APP_HOST ?? "";
export const APP_HOST_HEADER = `${APP_HOST}:${HTTP_PORT}`;
/** The aggregator's internal /metrics. */
export const METRICS_URL = `http://127.0.0.1:${settings.GATEWAY_HEALTH_PORT}/metrics`;
/** Where `npm start` keeps the local CA (README, "Gateway"): clients trust this file. */
export const CA_FILE = path.join(repoRoot, ".tollgate", "tls", "ca.crt");
export const LOG_DIR = path.join(repoRoot, ".tollgate", "logs");
