import { createHash, randomBytes } from "node:crypto";
import { ConfigError, parseConfig } from "@tollgate/service-kit";
import { authEnvSchema } from "./config";

const hash = createHash("sha256").update("s").digest("hex");
const kek = randomBytes(32).toString("base64");
const base = { DATABASE_URL: "postgres://localhost/tollgate_auth", SERVICE_CLIENTS: `token-service:${hash}:tokens:validate tokens:status` };
/** What production must set for account mails (the defaults are the local sink's). */
const productionMail = { SMTP_URL: "smtps://mailer:secret@smtp.example.com", MAIL_FROM: "Tollgate <no-reply@example.com>", PUBLIC_BASE_URL: "https://tollgate.example.com/" };

describe("auth config", () => {
  it("when only the required variables are set, then the production defaults apply", () => {
    const config = parseConfig(authEnvSchema, base);
    expect(config).toMatchObject({ PORT: 3001, ARGON2_MEMORY_KIB: 19_456, ARGON2_TIME_COST: 2, ARGON2_PARALLELISM: 1, ACCESS_TOKEN_TTL_SECONDS: 900, REFRESH_GRACE_SECONDS: 10, LOGIN_THROTTLE_ENABLED: true });
    expect(config.SERVICE_CLIENTS).toEqual([{ clientId: "token-service", secretSha256: hash, scopes: ["tokens:validate", "tokens:status"] }]);
  });

  it("when SERVICE_CLIENTS or DATABASE_URL is missing, then the error names the variable", () => {
    expect(() => parseConfig(authEnvSchema, { DATABASE_URL: base.DATABASE_URL })).toThrow(/SERVICE_CLIENTS/);
    expect(() => parseConfig(authEnvSchema, { SERVICE_CLIENTS: base.SERVICE_CLIENTS })).toThrow(/DATABASE_URL/);
  });

  it("when a client entry has a plain-text secret instead of its hash, then config is refused", () => {
    expect(() => parseConfig(authEnvSchema, { ...base, SERVICE_CLIENTS: "token-service:hunter2:tokens:validate" })).toThrow(ConfigError);
  });

  it("when production asks for a lower argon2 cost or no throttling, then config is refused; in test it is allowed", () => {
    const weak = { ...base, ARGON2_MEMORY_KIB: "1024", ARGON2_TIME_COST: "1", LOGIN_THROTTLE_ENABLED: "false" };
    expect(() => parseConfig(authEnvSchema, { ...weak, NODE_ENV: "production" })).toThrow(/ARGON2_MEMORY_KIB[\s\S]*ARGON2_TIME_COST[\s\S]*LOGIN_THROTTLE_ENABLED/);
    expect(parseConfig(authEnvSchema, { ...weak, NODE_ENV: "test" }).ARGON2_MEMORY_KIB).toBe(1024);
    expect(parseConfig(authEnvSchema, { ...base, ...productionMail, NODE_ENV: "production", SIGNING_KEYS_ENCRYPTION_KEYS: kek, ARGON2_MEMORY_KIB: "65536" }).ARGON2_MEMORY_KIB).toBe(65_536);
  });

  it("when nothing about mail is set, then outside production it goes to the local sink; production must name its SMTP server, sender and https base URL", () => {
    expect(parseConfig(authEnvSchema, base)).toMatchObject({ SMTP_URL: "smtp://127.0.0.1:1025", MAIL_FROM: "Tollgate <no-reply@tollgate.localhost>", PUBLIC_BASE_URL: "http://127.0.0.1:8080", EMAIL_VERIFICATION_TTL_SECONDS: 86_400, PASSWORD_RESET_TTL_SECONDS: 1800 });
    expect(() => parseConfig(authEnvSchema, { ...base, NODE_ENV: "production", SIGNING_KEYS_ENCRYPTION_KEYS: kek })).toThrow(/SMTP_URL[\s\S]*required in production[\s\S]*MAIL_FROM[\s\S]*PUBLIC_BASE_URL/);
    expect(() => parseConfig(authEnvSchema, { ...base, ...productionMail, NODE_ENV: "production", SIGNING_KEYS_ENCRYPTION_KEYS: kek, PUBLIC_BASE_URL: "http://tollgate.example.com" })).toThrow(/PUBLIC_BASE_URL[\s\S]*https/);
    const config = parseConfig(authEnvSchema, { ...base, ...productionMail, NODE_ENV: "production", SIGNING_KEYS_ENCRYPTION_KEYS: kek });
    expect(config.PUBLIC_BASE_URL).toBe("https://tollgate.example.com");
  });

  it("when a mail setting is malformed, then config is refused naming it", () => {
    expect(() => parseConfig(authEnvSchema, { ...base, SMTP_URL: "http://smtp.example.com" })).toThrow(/SMTP_URL/);
    expect(() => parseConfig(authEnvSchema, { ...base, MAIL_FROM: "Tollgate <no-reply@example.com>\r\nBcc: everyone@example.com" })).toThrow(/MAIL_FROM/);
    expect(() => parseConfig(authEnvSchema, { ...base, PUBLIC_BASE_URL: "https://tollgate.example.com/?x=1" })).toThrow(/PUBLIC_BASE_URL/);
  });

  it("when production has no key-encryption key for the signing keys, then config is refused; keys must be base64 of 32 bytes", () => {
    expect(() => parseConfig(authEnvSchema, { ...base, NODE_ENV: "production" })).toThrow(/SIGNING_KEYS_ENCRYPTION_KEYS[\s\S]*required in production/);
    expect(parseConfig(authEnvSchema, base).SIGNING_KEYS_ENCRYPTION_KEYS).toEqual([]);
    const previous = randomBytes(32).toString("base64");
    const keys = parseConfig(authEnvSchema, { ...base, SIGNING_KEYS_ENCRYPTION_KEYS: `${kek}, ${previous}` }).SIGNING_KEYS_ENCRYPTION_KEYS;
    expect(keys.map((key) => key.toString("base64"))).toEqual([kek, previous]);
    for (const bad of [randomBytes(16).toString("base64"), "not base64!", `${kek},${randomBytes(31).toString("base64")}`]) {
      expect(() => parseConfig(authEnvSchema, { ...base, SIGNING_KEYS_ENCRYPTION_KEYS: bad })).toThrow(/SIGNING_KEYS_ENCRYPTION_KEYS[\s\S]*32 bytes/);
    }
  });

  it("when no provider is configured, then OAUTH_PROVIDERS is an empty list and no OAUTH_* variable is required", () => {
    const config = parseConfig(authEnvSchema, base);
    expect(config.OAUTH_PROVIDERS).toEqual([]);
    expect(config.OAUTH_REDIRECT_URIS).toEqual([]);
    expect(config).not.toHaveProperty("OAUTH_VARIABLES");
  });

  it("when an OpenID Connect and a plain OAuth 2.0 provider are configured, then each is parsed with its kind and scopes", () => {
    const config = parseConfig(authEnvSchema, {
      ...base,
      OAUTH_PROVIDERS: "google, github",
      OAUTH_GOOGLE_CLIENT_ID: "g-id",
      OAUTH_GOOGLE_CLIENT_SECRET: "g-secret",
      OAUTH_GOOGLE_ISSUER: "https://accounts.google.com",
      OAUTH_GITHUB_CLIENT_ID: "gh-id",
      OAUTH_GITHUB_CLIENT_SECRET: "gh-secret",
      OAUTH_GITHUB_AUTHORIZATION_URL: "https://github.com/login/oauth/authorize",
      OAUTH_GITHUB_TOKEN_URL: "https://github.com/login/oauth/access_token",
      OAUTH_GITHUB_USERINFO_URL: "https://api.github.com/user",
      OAUTH_GITHUB_SCOPES: "read:user user:email",
      OAUTH_REDIRECT_URIS: "http://127.0.0.1/callback,https://app.example.test/oauth/done",
    });
    expect(config.OAUTH_PROVIDERS).toEqual([
      { name: "google", kind: "oidc", clientId: "g-id", clientSecret: "g-secret", issuer: "https://accounts.google.com", scopes: ["openid", "email", "profile"] },
      { name: "github", kind: "oauth2", clientId: "gh-id", clientSecret: "gh-secret", authorizationUrl: "https://github.com/login/oauth/authorize", tokenUrl: "https://github.com/login/oauth/access_token", userinfoUrl: "https://api.github.com/user", scopes: ["read:user", "user:email"] },
    ]);
    expect(config.OAUTH_REDIRECT_URIS).toEqual(["http://127.0.0.1/callback", "https://app.example.test/oauth/done"]);
  });

  it("when a provider lacks its secret, mixes issuer and URLs, or uses plain http off this machine, then the error names each variable", () => {
    expect(() => parseConfig(authEnvSchema, { ...base, OAUTH_PROVIDERS: "google", OAUTH_GOOGLE_CLIENT_ID: "id", OAUTH_GOOGLE_ISSUER: "https://accounts.google.com" })).toThrow(/OAUTH_GOOGLE_CLIENT_SECRET is required/);
    expect(() => parseConfig(authEnvSchema, { ...base, OAUTH_PROVIDERS: "corp", OAUTH_CORP_CLIENT_ID: "id", OAUTH_CORP_CLIENT_SECRET: "s", OAUTH_CORP_ISSUER: "http://idp.example.test" })).toThrow(/OAUTH_CORP_ISSUER is invalid: must be an https URL/);
    expect(() => parseConfig(authEnvSchema, { ...base, OAUTH_PROVIDERS: "corp", OAUTH_CORP_CLIENT_ID: "id", OAUTH_CORP_CLIENT_SECRET: "s", OAUTH_CORP_ISSUER: "https://idp.example.test", OAUTH_CORP_TOKEN_URL: "https://idp.example.test/token" })).toThrow(/OAUTH_CORP_ISSUER[\s\S]*not both/);
    expect(() => parseConfig(authEnvSchema, { ...base, OAUTH_PROVIDERS: "corp", OAUTH_CORP_CLIENT_ID: "id", OAUTH_CORP_CLIENT_SECRET: "s" })).toThrow(/OAUTH_CORP_ISSUER is required/);
    expect(() => parseConfig(authEnvSchema, { ...base, OAUTH_PROVIDERS: "Bad Name" })).toThrow(/OAUTH_PROVIDERS is invalid/);
    expect(() => parseConfig(authEnvSchema, { ...base, OAUTH_REDIRECT_URIS: "http://app.example.test/cb" })).toThrow(/OAUTH_REDIRECT_URIS is invalid/);
  });
});
