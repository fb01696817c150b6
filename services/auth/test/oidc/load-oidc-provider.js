// oidc-provider 9 is ESM-only, the auth service and its tests are CommonJS. ts-jest compiles a
// TypeScript `import()` into `require()`, which jest cannot apply to an ES module, so this one
// import lives in a plain .js file that nothing transforms: jest runs it as a real dynamic import,
// which its module loader supports when node runs with --experimental-vm-modules (the auth test
// script sets it).
module.exports.loadOidcProvider = () =>
  import("oidc-provider").catch((error) => {
    throw new Error("oidc-provider is an ES module: run jest with NODE_OPTIONS=--experimental-vm-modules (`npm test` does)", { cause: error });
  });
