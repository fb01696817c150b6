// Each fixture starts auth and billing in-process (billing in a database of its own), a relay and a
// Kafka consumer: on a loaded 2-core machine a beforeAll took over the preset's 60 s.
module.exports = { preset: "@tollgate/test-harness", testTimeout: 120_000 };
