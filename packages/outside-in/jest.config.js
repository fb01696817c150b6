// Runs against the stack `npm start` brings up (started here when it is not running, and then
// stopped again), only through the gateway at http://127.0.0.1:8080.
const base = require("@tollgate/test-harness/unit/jest-preset");

module.exports = {
  ...base,
  globalSetup: "<rootDir>/test/support/stack-setup.ts",
  globalTeardown: "<rootDir>/test/support/stack-teardown.ts",
  testTimeout: 120_000,
};
