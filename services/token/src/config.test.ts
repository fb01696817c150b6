import { ConfigError, parseConfig } from "@tollgate/service-kit";
import { tokenConfigRules } from "./config";

const base = {
  DATABASE_URL: "postgres://localhost/tollgate_token",
  SERVICE_CLIENT_SECRET: "s".repeat(32),
  IDEMPOTENCY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

describe("token config", () => {
  it("when the billing settings are given, then they are read with their defaults", () => {
    const config = parseConfig(tokenConfigRules, base);
    expect(config).toMatchObject({ BILLING_URL: "http://127.0.0.1:3005", SERVICE_CLIENT_ID: "token", PURCHASE_RECOVERY_AFTER_SECONDS: 30 });
    expect(config.PURCHASE_CRASH_POINT).toBeUndefined();
  });

  it("when SERVICE_CLIENT_SECRET or IDEMPOTENCY_ENCRYPTION_KEY is missing, or the key is not 32 bytes, then the error names the variable", () => {
    expect(() => parseConfig(tokenConfigRules, { ...base, SERVICE_CLIENT_SECRET: undefined })).toThrow(/SERVICE_CLIENT_SECRET/);
    expect(() => parseConfig(tokenConfigRules, { ...base, IDEMPOTENCY_ENCRYPTION_KEY: undefined })).toThrow(/IDEMPOTENCY_ENCRYPTION_KEY/);
    expect(() => parseConfig(tokenConfigRules, { ...base, IDEMPOTENCY_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(ConfigError);
  });

  it("when PURCHASE_CRASH_POINT is set outside NODE_ENV=test, then the config is refused; under test it is honoured", () => {
    expect(() => parseConfig(tokenConfigRules, { ...base, NODE_ENV: "production", PURCHASE_CRASH_POINT: "after_debit" })).toThrow(/PURCHASE_CRASH_POINT/);
    expect(() => parseConfig(tokenConfigRules, { ...base, NODE_ENV: "development", PURCHASE_CRASH_POINT: "after_debit" })).toThrow(/PURCHASE_CRASH_POINT/);
    expect(parseConfig(tokenConfigRules, { ...base, NODE_ENV: "test", PURCHASE_CRASH_POINT: "after_debit" }).PURCHASE_CRASH_POINT).toBe("after_debit");
  });
});
