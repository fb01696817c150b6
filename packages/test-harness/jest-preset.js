// Preset for tests that talk to real Postgres, Redis and Kafka: the global setup makes sure they
// are up before any test file runs. Workspace packages resolve to their TypeScript sources, so a
// test never runs against a stale build.
const base = require("./unit/jest-preset");

module.exports = {
  ...base,
  globalSetup: require.resolve("./src/global-setup.ts"),
  globalTeardown: require.resolve("./src/global-teardown.ts"),
  testTimeout: 60_000,
};
