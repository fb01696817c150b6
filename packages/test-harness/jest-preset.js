// Preset for tests that talk to real Postgres, Redis and Kafka: the global setup makes sure they
// are up before any test file runs. Workspace packages resolve to their TypeScript sources, so a
// test never runs against a stale build.
const base = require("./unit/jest-preset");

module.exports = {
  ...base,
  globalSetup: require.resolve("./src/global-setup.ts"),
  globalTeardown: require.resolve("./src/global-teardown.ts"),
  testTimeout: 60_000,
  // In CI a file whose set-up failed half-way (its afterAll then cannot close what it opened) must
  // fail the run, not keep jest alive until the CI's time limit, which is what happened once.
  // Locally jest still waits and reports the open handles, so leaks stay visible.
  forceExit: process.env.CI === "true",
};
