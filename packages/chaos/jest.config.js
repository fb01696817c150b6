// Every test file starts its own stack (services as processes from their builds, the real nginx
// gateway) and, where it stops a dependency, a dependency of its own: nothing else on the machine
// is disturbed.
module.exports = { preset: "@tollgate/test-harness", testTimeout: 240_000 };
