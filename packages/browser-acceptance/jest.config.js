module.exports = { preset: "@tollgate/test-harness", testTimeout: 180_000 };
