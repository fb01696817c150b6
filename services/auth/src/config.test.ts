import { createHash } from "node:crypto";
import { ConfigError, parseConfig } from "@tollgate/service-kit";
import { authEnvSchema } from "./config";

const hash = createHash("sha256").update("s").digest("hex");
const base = { DATABASE_URL: "postgres://localhost/tollgate_auth", SERVICE_CLIENTS: `token-service:${hash}:tokens:validate tokens:status` };

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
    expect(parseConfig(authEnvSchema, { ...base, NODE_ENV: "production", ARGON2_MEMORY_KIB: "65536" }).ARGON2_MEMORY_KIB).toBe(65_536);
  });
});
