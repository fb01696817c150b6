import { availableParallelism, hostname } from "node:os";
import { baseEnvShape, commaList, envBoolean, loadConfigOrExit, kafkaEnvShape, parseConfig, port, positiveInt, requiredString } from "@tollgate/service-kit";
import { z } from "zod";

/** OWASP's argon2id floor; production may only go upward from here. */
export const ARGON2_PRODUCTION_FLOOR = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One service client allowed to ask for service tokens:
 * `client_id:<sha256 hex of the secret>:scope1 scope2`, several separated by commas.
 */
export const serviceClientSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/, "secret must be given as its lower-case SHA-256 hex"),
  scopes: z.array(z.string().regex(/^[A-Za-z0-9:._-]+$/)).min(1),
});
export type ServiceClient = z.infer<typeof serviceClientSchema>;

const serviceClients = requiredString().transform((value, ctx) => {
  const clients: ServiceClient[] = [];
  for (const entry of value.split(",").map((item) => item.trim()).filter(Boolean)) {
    // Scopes themselves contain ':' (tokens:validate): split on the first two colons only.
    const first = entry.indexOf(":");
    const second = entry.indexOf(":", first + 1);
    const parsed = serviceClientSchema.safeParse({
      clientId: entry.slice(0, Math.max(first, 0)),
      secretSha256: first > 0 && second > first ? entry.slice(first + 1, second) : "",
      scopes: second > first ? entry.slice(second + 1).split(" ").filter(Boolean) : [],
    });
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `entry ${clients.length + 1} must look like client_id:secret_sha256:scope1 scope2` });
      return z.NEVER;
    }
    clients.push(parsed.data);
  }
  if (clients.length === 0) ctx.addIssue({ code: "custom", message: "must list at least one client" });
  return clients;
});

/**
 * Key-encryption keys for the signing keys' private halves at rest: base64 of 32 random bytes
 * each (`openssl rand -base64 32`), comma-separated; the first seals, all open. Empty: stored as
 * they are (refused in production).
 */
const encryptionKeys = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const keys: Buffer[] = [];
    for (const [index, entry] of value.split(",").map((item) => item.trim()).filter(Boolean).entries()) {
      const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(entry) ? Buffer.from(entry, "base64") : Buffer.alloc(0);
      if (key.length !== 32) {
        ctx.addIssue({ code: "custom", message: `entry ${index + 1} must be base64 of exactly 32 bytes (openssl rand -base64 32)` });
        return z.NEVER;
      }
      keys.push(key);
    }
    return keys;
  });

/** One configured sign-in provider: OpenID Connect (discovered from its issuer) or plain OAuth 2.0 (three URLs). */
export type OAuthProviderConfig = { name: string; clientId: string; clientSecret: string; scopes: string[] } & (
  | { kind: "oidc"; issuer: string }
  | { kind: "oauth2"; authorizationUrl: string; tokenUrl: string; userinfoUrl: string }
);

const OAUTH_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const OAUTH_TOP_LEVEL = new Set(["OAUTH_PROVIDERS", "OAUTH_REDIRECT_URIS", "OAUTH_HTTP_TIMEOUT_MS"]);

/** `OAUTH_<NAME>_` for a provider name (`my-idp` → `OAUTH_MY_IDP_`). */
export const oauthVariablePrefix = (name: string): string => `OAUTH_${name.toUpperCase().replace(/-/g, "_")}_`;

const isLoopbackHost = (hostname: string): boolean => hostname === "127.0.0.1" || hostname === "[::1]" || hostname === "localhost";

/** Provider endpoints carry the client secret and the user's code: https only, except on this machine (tests, development). */
function isProviderUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}

/** Copies every `OAUTH_<NAME>_*` variable into one record: which names exist depends on OAUTH_PROVIDERS. */
function gatherOAuthVariables(env: unknown): unknown {
  if (typeof env !== "object" || env === null) return env;
  const entries = Object.entries(env as Record<string, unknown>).filter(([key, value]) => key.startsWith("OAUTH_") && !OAUTH_TOP_LEVEL.has(key) && typeof value === "string");
  return { ...env, OAUTH_VARIABLES: Object.fromEntries(entries) };
}

function oauthProvidersFromEnv(names: string[], variables: Record<string, string>, ctx: z.RefinementCtx): OAuthProviderConfig[] {
  const providers: OAuthProviderConfig[] = [];
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  for (const name of names) {
    if (!OAUTH_NAME.test(name)) {
      issue("OAUTH_PROVIDERS", `"${name.slice(0, 40)}" must be lower-case letters, digits and '-', starting with a letter`);
      continue;
    }
    if (providers.some((provider) => provider.name === name)) {
      issue("OAUTH_PROVIDERS", `"${name}" is listed twice`);
      continue;
    }
    const prefix = oauthVariablePrefix(name);
    const read = (suffix: string) => variables[`${prefix}${suffix}`]?.trim() || undefined;
    const clientId = read("CLIENT_ID");
    const clientSecret = read("CLIENT_SECRET");
    if (!clientId) issue(`${prefix}CLIENT_ID`, `must be set for provider ${name}`);
    if (!clientSecret) issue(`${prefix}CLIENT_SECRET`, `must be set for provider ${name}`);
    const urls = { issuer: read("ISSUER"), authorizationUrl: read("AUTHORIZATION_URL"), tokenUrl: read("TOKEN_URL"), userinfoUrl: read("USERINFO_URL") };
    for (const [key, suffix] of [["issuer", "ISSUER"], ["authorizationUrl", "AUTHORIZATION_URL"], ["tokenUrl", "TOKEN_URL"], ["userinfoUrl", "USERINFO_URL"]] as const) {
      if (urls[key] !== undefined && !isProviderUrl(urls[key])) issue(`${prefix}${suffix}`, "must be an https URL (http only for 127.0.0.1, [::1] or localhost)");
    }
    const plain = urls.authorizationUrl ?? urls.tokenUrl ?? urls.userinfoUrl;
    const scopes = (read("SCOPES") ?? (urls.issuer ? "openid email profile" : "")).split(/[\s,]+/).filter(Boolean);
    if (urls.issuer && plain) issue(`${prefix}ISSUER`, `set either ${prefix}ISSUER (OpenID Connect) or the three ${prefix}*_URL variables (OAuth 2.0), not both`);
    else if (urls.issuer && !scopes.includes("openid")) issue(`${prefix}SCOPES`, "must include openid for an OpenID Connect provider");
    else if (!urls.issuer && !(urls.authorizationUrl && urls.tokenUrl && urls.userinfoUrl)) {
      issue(`${prefix}ISSUER`, `set ${prefix}ISSUER (OpenID Connect) or all of ${prefix}AUTHORIZATION_URL, ${prefix}TOKEN_URL and ${prefix}USERINFO_URL (OAuth 2.0)`);
    } else if (!urls.issuer && scopes.length === 0) issue(`${prefix}SCOPES`, "must be set for an OAuth 2.0 provider");
    if (!clientId || !clientSecret) continue;
    const common = { name, clientId, clientSecret, scopes };
    if (urls.issuer) providers.push({ ...common, kind: "oidc", issuer: urls.issuer });
    else if (urls.authorizationUrl && urls.tokenUrl && urls.userinfoUrl) providers.push({ ...common, kind: "oauth2", authorizationUrl: urls.authorizationUrl, tokenUrl: urls.tokenUrl, userinfoUrl: urls.userinfoUrl });
  }
  return providers;
}

const redirectUriList = commaList("").superRefine((uris, ctx) => {
  for (const uri of uris) {
    let url: URL | undefined;
    try {
      url = new URL(uri);
    } catch {
      url = undefined;
    }
    // A fragment can never come back from a provider (RFC 6749 §3.1.2); http is for loopback only.
    if (!url || url.hash || (url.protocol === "http:" && !isLoopbackHost(url.hostname))) {
      ctx.addIssue({ code: "custom", message: `"${uri.slice(0, 80)}" must be an absolute URL without a fragment; http only for loopback addresses` });
    }
  }
});

/** What `npm start` and the tests use: the local mail sink (packages/mail-sink) and a local sender. */
export const LOCAL_SMTP_URL = "smtp://127.0.0.1:1025";
export const LOCAL_MAIL_FROM = "Tollgate <no-reply@tollgate.localhost>";
export const LOCAL_PUBLIC_BASE_URL = "http://127.0.0.1:8080";

const smtpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
  } catch {
    return false;
  }
}, "must be smtp://[user:password@]host[:port] or smtps://…");

/** An address, or `Name <address>`; no line breaks (it becomes a header). */
const mailFrom = z.string().max(254).regex(/^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, "must be an e-mail address, or Name <address>");

const publicBaseUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, "must be an http(s) URL without query or fragment")
  .transform((value) => value.replace(/\/+$/, ""));

const authEnvShape = {
  ...baseEnvShape,
  ...kafkaEnvShape,
  PORT: port(3001),
  DATABASE_URL: requiredString().pipe(z.url({ error: "must be a postgres:// URL" })),
  REDIS_URL: z.string().min(1).default("redis://127.0.0.1:6379"),
  /** Empty in production (keys `auth:*`); set where environments share one Redis (keys `auth:<namespace>:*`). */
  REDIS_KEY_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only").default(""),
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).default(`${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, "-")),
  TRUST_PROXY: z.string().default("loopback"),
  JWT_ISSUER: z.string().min(1).default("tollgate-auth"),
  JWT_AUDIENCE: z.string().min(1).default("tollgate"),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  SERVICE_TOKEN_TTL_SECONDS: positiveInt(300),
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).default(10),
  SESSION_IDLE_TIMEOUT_SECONDS: positiveInt(7 * 24 * 3600),
  SESSION_MAX_LIFETIME_SECONDS: positiveInt(30 * 24 * 3600),
  SIGNING_KEY_CACHE_SECONDS: positiveInt(60),
  SIGNING_KEY_ACTIVATION_DELAY_SECONDS: positiveInt(60),
  SIGNING_KEYS_ENCRYPTION_KEYS: encryptionKeys,
  /**
   * The account to make the first admin at start: promoted only while no enabled admin exists and
   * only if its address is verified (BootstrapAdminUseCase). Empty or unset: nothing is promoted.
   */
  BOOTSTRAP_ADMIN_EMAIL: z
    .string()
    .default("")
    .transform((value) => value.trim())
    .pipe(z.union([z.literal(""), z.email("must be an e-mail address").max(254)]))
    .transform((value) => (value === "" ? undefined : value.toLowerCase())),
  ARGON2_MEMORY_KIB: positiveInt(ARGON2_PRODUCTION_FLOOR.memoryKiB),
  ARGON2_TIME_COST: positiveInt(ARGON2_PRODUCTION_FLOOR.timeCost),
  ARGON2_PARALLELISM: positiveInt(ARGON2_PRODUCTION_FLOOR.parallelism),
  ARGON2_MAX_CONCURRENCY: positiveInt(availableParallelism()),
  LOGIN_THROTTLE_ENABLED: envBoolean(true),
  /**
   * Failed passwords per account (10 in 15 min, then a lock that doubles) and per client IP (100 in
   * 15 min): well inside OWASP ASVS 4.0.3 V2.2.1's "no more than 100 failed attempts per hour" on
   * one account. Each is a budget of checks reserved before argon2 runs (LoginThrottleStore).
   */
  LOGIN_ACCOUNT_MAX_FAILURES: positiveInt(10),
  LOGIN_ACCOUNT_WINDOW_SECONDS: positiveInt(900),
  LOGIN_IP_MAX_FAILURES: positiveInt(100),
  LOGIN_IP_WINDOW_SECONDS: positiveInt(900),
  LOGIN_LOCKOUT_MAX_SECONDS: positiveInt(24 * 3600),
  SERVICE_CLIENTS: serviceClients,
  /**
   * The service's name in authenticator apps (the issuer of every `otpauth://` URI). No ':' (it
   * separates issuer and account in the URI's label).
   */
  MFA_TOTP_ISSUER: z.string().min(1).max(64).regex(/^[^:]+$/, "must not contain ':'").default("Tollgate"),
  /**
   * How long a login's second-factor challenge (`mfa_token`) can be redeemed: 5 minutes, as long as
   * a person needs to find the app or a recovery code (at most 15 minutes).
   */
  MFA_CHALLENGE_TTL_SECONDS: z.coerce.number().int().min(1).max(900).default(300),
  /**
   * Verification and reset mails go over SMTP: `smtp://[user:password@]host[:port]` (STARTTLS when
   * the server offers it; `?requireTLS=true` refuses one that does not) or `smtps://…`. Defaults
   * are the local sink `npm start` runs; production must set SMTP_URL, MAIL_FROM and PUBLIC_BASE_URL.
   */
  SMTP_URL: smtpUrl.default(LOCAL_SMTP_URL),
  MAIL_FROM: mailFrom.default(LOCAL_MAIL_FROM),
  /** Limit on connecting to the SMTP server, its greeting and each silence (ms); a failed send is tried again later. */
  SMTP_TIMEOUT_MS: positiveInt(10_000),
  /** The gateway as users reach it: mailed links start with it. */
  PUBLIC_BASE_URL: publicBaseUrl.default(LOCAL_PUBLIC_BASE_URL),
  /** How long a mailed link works: verification a day, reset half an hour (OWASP: short-lived). */
  EMAIL_VERIFICATION_TTL_SECONDS: positiveInt(24 * 3600),
  PASSWORD_RESET_TTL_SECONDS: positiveInt(30 * 60),
  /** Reset and verification mails asked for, per address and per client IP, in each window. */
  ACCOUNT_MAIL_ADDRESS_MAX: positiveInt(5),
  ACCOUNT_MAIL_IP_MAX: positiveInt(20),
  ACCOUNT_MAIL_WINDOW_SECONDS: positiveInt(3600),
  /** Names of the sign-in providers; each one's settings are `OAUTH_<NAME>_*` (oauthProvidersFromEnv). Empty: none. */
  OAUTH_PROVIDERS: commaList(""),
  /** Where a provider may send the browser back; a loopback entry matches any port (RFC 8252). */
  OAUTH_REDIRECT_URIS: redirectUriList,
  /** Per-attempt limit of every call to a provider (discovery, token, userinfo, JWKS). */
  OAUTH_HTTP_TIMEOUT_MS: positiveInt(5_000),
  /** Every `OAUTH_*` variable, gathered before parsing (their names depend on OAUTH_PROVIDERS). */
  OAUTH_VARIABLES: z.record(z.string(), z.string()),
};

const authEnvObjectSchema = z
  .object(authEnvShape)
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.ARGON2_MEMORY_KIB < ARGON2_PRODUCTION_FLOOR.memoryKiB) ctx.addIssue({ code: "custom", path: ["ARGON2_MEMORY_KIB"], message: `must be at least ${ARGON2_PRODUCTION_FLOOR.memoryKiB} in production` });
    if (env.ARGON2_TIME_COST < ARGON2_PRODUCTION_FLOOR.timeCost) ctx.addIssue({ code: "custom", path: ["ARGON2_TIME_COST"], message: `must be at least ${ARGON2_PRODUCTION_FLOOR.timeCost} in production` });
    if (!env.LOGIN_THROTTLE_ENABLED) ctx.addIssue({ code: "custom", path: ["LOGIN_THROTTLE_ENABLED"], message: "cannot be false in production" });
    if (env.SIGNING_KEYS_ENCRYPTION_KEYS.length === 0) ctx.addIssue({ code: "custom", path: ["SIGNING_KEYS_ENCRYPTION_KEYS"], message: "is required in production (signing keys are sealed at rest with it)" });
    if (env.SMTP_URL === LOCAL_SMTP_URL) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "is required in production (the default is the local mail sink)" });
    if (env.MAIL_FROM === LOCAL_MAIL_FROM) ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "is required in production (the default is a local address)" });
    if (!env.PUBLIC_BASE_URL.startsWith("https://")) ctx.addIssue({ code: "custom", path: ["PUBLIC_BASE_URL"], message: "is required in production and must be https (mailed links carry tokens)" });
  })
  .transform(({ OAUTH_VARIABLES, OAUTH_PROVIDERS, ...env }, ctx) => ({ ...env, OAUTH_PROVIDERS: oauthProvidersFromEnv(OAUTH_PROVIDERS, OAUTH_VARIABLES, ctx) }));

/**
 * The service's schema over the raw environment (gathers the `OAUTH_*` variables first). `shape`
 * stays available for tools that read one variable's default (deploy-check reads PORT).
 */
export const authEnvSchema = Object.assign(z.preprocess(gatherOAuthVariables, authEnvObjectSchema), { shape: authEnvShape });
export type AuthConfig = z.infer<typeof authEnvSchema>;

/** The service's configuration from the environment, or exit naming what is wrong. */
export const loadAuthConfig = (): AuthConfig => loadConfigOrExit(authEnvSchema, process.env);

/**
 * What the `create-admin` command reads: the service's own database and password settings, so it
 * runs with the service's environment (a container's) or with DATABASE_URL alone.
 */
export const adminToolEnvSchema = z.object({
  NODE_ENV: baseEnvShape.NODE_ENV,
  LOG_LEVEL: baseEnvShape.LOG_LEVEL,
  DATABASE_URL: authEnvShape.DATABASE_URL,
  ARGON2_MEMORY_KIB: authEnvShape.ARGON2_MEMORY_KIB,
  ARGON2_TIME_COST: authEnvShape.ARGON2_TIME_COST,
  ARGON2_PARALLELISM: authEnvShape.ARGON2_PARALLELISM,
  ARGON2_MAX_CONCURRENCY: authEnvShape.ARGON2_MAX_CONCURRENCY,
}).superRefine((env, ctx) => {
  // The hash it writes is the one logins verify: the service's production floor holds here too.
  if (env.NODE_ENV !== "production") return;
  if (env.ARGON2_MEMORY_KIB < ARGON2_PRODUCTION_FLOOR.memoryKiB) ctx.addIssue({ code: "custom", path: ["ARGON2_MEMORY_KIB"], message: `must be at least ${ARGON2_PRODUCTION_FLOOR.memoryKiB} in production` });
  if (env.ARGON2_TIME_COST < ARGON2_PRODUCTION_FLOOR.timeCost) ctx.addIssue({ code: "custom", path: ["ARGON2_TIME_COST"], message: `must be at least ${ARGON2_PRODUCTION_FLOOR.timeCost} in production` });
});
export type AdminToolConfig = z.infer<typeof adminToolEnvSchema>;

/** Throws a ConfigError naming each bad variable (the command reports it and exits 78). */
export const loadAdminToolConfig = (env: Record<string, string | undefined> = process.env): AdminToolConfig => parseConfig(adminToolEnvSchema, env);
