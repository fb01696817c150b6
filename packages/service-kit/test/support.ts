import { CaptureTransport } from "@tollgate/test-harness";
import { createLogger, type Logger } from "../src";

export function captureLogger(service = "test"): { logger: Logger; capture: CaptureTransport } {
  const capture = new CaptureTransport();
  return { logger: createLogger({ service, level: "debug", transports: [capture] }), capture };
}
