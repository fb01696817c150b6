import { loadMailSinkConfig, MailSinkConfigError } from "./config";
import { startMailSink } from "./mail-sink";

/** One JSON line per event on stdout, as the services log. */
const log = (level: "info" | "warn" | "error", message: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ level, message, service: "mail-sink", timestamp: new Date().toISOString(), ...fields })}\n`);

async function main(): Promise<void> {
  let config;
  try {
    config = loadMailSinkConfig();
  } catch (error) {
    if (!(error instanceof MailSinkConfigError)) throw error;
    process.stderr.write(`mail sink: invalid configuration: ${error.message}\n`);
    process.exit(78);
  }
  const sink = await startMailSink({ ...config, onError: (error) => log("warn", "mail sink error", { error: error.message }) });
  log("info", "mail sink listening", { smtp_url: sink.smtpUrl, http_url: sink.httpUrl, max_messages: config.maxMessages });
  const stop = (signal: string) => {
    log("info", "mail sink stopping", { signal });
    sink.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`mail sink failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
