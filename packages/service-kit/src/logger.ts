import winston from "winston";
import { currentRequestId } from "./request-context";
import { redact, redactText } from "./redaction";

export type Logger = winston.Logger;

/** Adds the current request id and strips secrets from every field of every line. */
const redactAndTag = winston.format((info) => {
  const requestId = currentRequestId();
  for (const key of Object.keys(info)) {
    if (key === "level") continue;
    (info as Record<string, unknown>)[key] = redact((info as Record<string, unknown>)[key]);
  }
  if (typeof info.message === "string") info.message = redactText(info.message);
  if (requestId && info.request_id === undefined) info.request_id = requestId;
  return info;
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Extra transports (tests capture lines this way). Defaults to one JSON line per entry on stdout. */
  transports?: winston.transport[];
}

/** JSON lines with timestamp, level, service, request id; `logger.child({ component })` per class. */
export function createLogger({ service, level = "info", transports }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.errors({ stack: true }), redactAndTag(), winston.format.timestamp(), winston.format.json()),
    transports: transports ?? [new winston.transports.Console()],
  });
}
