// Preset for pure tests (no infrastructure).
const path = require("node:path");

const packagesDir = path.resolve(__dirname, "..", "..");
const servicesDir = path.resolve(packagesDir, "..", "services");

module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true, esModuleInterop: true, module: "commonjs" }, diagnostics: false }],
  },
  moduleNameMapper: {
    "^@tollgate/(contracts|service-kit|test-harness|client|auth-fixture)$": path.join(packagesDir, "$1", "src"),
    "^@tollgate/(auth|token|proxy|game-realtime|demo-upstream|billing)-service$": path.join(servicesDir, "$1", "src"),
  },
  testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
  testTimeout: 15_000,
};
