module.exports = { preset: "@tollgate/test-harness", testTimeout: 120_000 };
