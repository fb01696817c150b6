import Transport from "winston-transport";
import { createLogger, type Logger } from "../src";

/** Keeps every line a logger writes, as the JSON text that would reach stdout. */
export class CaptureTransport extends Transport {
  readonly lines: string[] = [];

  override log(info: unknown, next: () => void): void {
    const message = (info as Record<symbol, unknown>)[Symbol.for("message")];
    this.lines.push(typeof message === "string" ? message : JSON.stringify(info));
    next();
  }

  text(): string {
    return this.lines.join("\n");
  }
}

export function captureLogger(service = "test"): { logger: Logger; capture: CaptureTransport } {
  const capture = new CaptureTransport();
  return { logger: createLogger({ service, level: "debug", transports: [capture] }), capture };
}
