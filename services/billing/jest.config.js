module.exports = { preset: "@tollgate/test-harness" };
