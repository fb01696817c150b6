/** Pure schema tests: no infrastructure needed. */
module.exports = { preset: "@tollgate/test-harness/unit" };
