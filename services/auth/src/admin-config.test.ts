import { ConfigError, parseConfig } from "@tollgate/service-kit";
import { adminToolEnvSchema, authEnvSchema, loadAdminToolConfig } from "./config";

const base = { DATABASE_URL: "postgres://localhost/tollgate_auth", SERVICE_CLIENTS: `proxy:${"a".repeat(64)}:tokens:validate` };

describe("administration settings", () => {
  it("when BOOTSTRAP_ADMIN_EMAIL is unset or empty, then nobody is named; set, it is the address in lower case", () => {
    expect(parseConfig(authEnvSchema, base).BOOTSTRAP_ADMIN_EMAIL).toBeUndefined();
    expect(parseConfig(authEnvSchema, { ...base, BOOTSTRAP_ADMIN_EMAIL: "  " }).BOOTSTRAP_ADMIN_EMAIL).toBeUndefined();
    expect(parseConfig(authEnvSchema, { ...base, BOOTSTRAP_ADMIN_EMAIL: " Ops@Example.TEST " }).BOOTSTRAP_ADMIN_EMAIL).toBe("ops@example.test");
  });

  it("when BOOTSTRAP_ADMIN_EMAIL is not an address, then the service refuses to start naming it", () => {
    expect(() => parseConfig(authEnvSchema, { ...base, BOOTSTRAP_ADMIN_EMAIL: "ops" })).toThrow(/BOOTSTRAP_ADMIN_EMAIL is invalid/);
  });

  it("when create-admin reads its settings, then DATABASE_URL alone is enough, and production keeps the argon2 floor", () => {
    expect(loadAdminToolConfig({ DATABASE_URL: base.DATABASE_URL }).DATABASE_URL).toBe(base.DATABASE_URL);
    expect(() => loadAdminToolConfig({})).toThrow(ConfigError);
    expect(() => loadAdminToolConfig({})).toThrow(/DATABASE_URL is required/);
    expect(() => parseConfig(adminToolEnvSchema, { ...base, NODE_ENV: "production", ARGON2_MEMORY_KIB: "1024" })).toThrow(/ARGON2_MEMORY_KIB/);
  });
});
