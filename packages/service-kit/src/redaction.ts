/**
 * Removes secrets from anything about to be logged: values under sensitive keys at any depth,
 * and bearer credentials inside free text.
 */
const SENSITIVE_KEYS = new Set([
  "password",
  "currentpassword",
  "newpassword",
  "token",
  "refreshtoken",
  "accesstoken",
  "idtoken",
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "secret",
  "clientsecret",
  "xaccesstoken",
  "apikey",
  "privatekey",
]);

export const REDACTED = "[REDACTED]";

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, "");

export function isSensitiveKey(key: string): boolean {
  const normalised = normalise(key);
  return SENSITIVE_KEYS.has(normalised) || normalised.endsWith("password") || normalised.endsWith("secret");
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const QUERY_SECRET = /([?&](?:access_token|token|refresh_token|code|state)=)[^&\s"]+/gi;

export function redactText(text: string): string {
  return text.replace(BEARER, `$1 ${REDACTED}`).replace(QUERY_SECRET, `$1${REDACTED}`);
}

export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redact(inner, seen);
  }
  return out;
}
