import { spawnSync } from "node:child_process";
import path from "node:path";
import { z } from "zod";
import { commaList, ConfigError, envBoolean, parseConfig, port } from "../src";

const fixture = path.join(__dirname, "fixtures", "config-exit.ts");
const tsx = require.resolve("tsx/cli");

function runFixture(env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, [tsx, fixture], { env: { PATH, HOME, ...env }, encoding: "utf8", timeout: 30_000 });
}

describe("config", () => {
  it("when a required variable is missing, then the process exits non-zero naming it", () => {
    const result = runFixture({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("JWT_SIGNING_SECRET is required");
  });

  it("when a variable is malformed, then the process exits non-zero naming it", () => {
    const result = runFixture({ JWT_SIGNING_SECRET: "x", PORT: "seventy" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("PORT is invalid");
  });

  it("when every variable is right, then the service starts with them", () => {
    const result = runFixture({ JWT_SIGNING_SECRET: "x", PORT: "4321" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("loaded port 4321");
  });

  it("when lists and booleans are given as text, then they are parsed", () => {
    const schema = z.object({ BROKERS: commaList(), FLAG: envBoolean(false), PORT: port(1) });
    expect(parseConfig(schema, { BROKERS: "a:1, b:2", FLAG: "true" })).toEqual({ BROKERS: ["a:1", "b:2"], FLAG: true, PORT: 1 });
    expect(() => parseConfig(schema, { BROKERS: "a", FLAG: "maybe" })).toThrow(ConfigError);
  });
});
