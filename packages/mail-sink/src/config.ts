/** The sink's settings from the environment; the only file that reads it. */
export interface MailSinkConfig {
  host: string;
  smtpPort: number;
  httpPort: number;
  maxMessages: number;
}

export class MailSinkConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new MailSinkConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw.slice(0, 40)}"`);
  return value;
}

/**
 * `MAIL_SINK_HOST` (default 127.0.0.1), `MAIL_SINK_SMTP_PORT` (1025), `MAIL_SINK_HTTP_PORT` (8025),
 * `MAIL_SINK_MAX_MESSAGES` (500). Throws `MailSinkConfigError` naming the variable.
 */
export function loadMailSinkConfig(env: NodeJS.ProcessEnv = process.env): MailSinkConfig {
  const host = env.MAIL_SINK_HOST || "127.0.0.1";
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new MailSinkConfigError(`MAIL_SINK_HOST must be a host name or an IP address, got "${host.slice(0, 40)}"`);
  return {
    host,
    smtpPort: integer(env, "MAIL_SINK_SMTP_PORT", 1025, 0, 65_535),
    httpPort: integer(env, "MAIL_SINK_HTTP_PORT", 8025, 0, 65_535),
    maxMessages: integer(env, "MAIL_SINK_MAX_MESSAGES", 500, 1, 100_000),
  };
}
