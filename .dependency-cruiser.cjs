/**
 * Layer rules, checked by `npm run lint` (tools/layer-rules/check-layers.mjs runs them; its test
 * proves each rule still fires on a fixture tree). Paths are relative to the repository root.
 *
 * Inside a service (`services/<name>/src/`): `http/` calls `domain/`; `domain/` holds the use
 * cases and the ports (interfaces) they need; `data/` and `messaging/` implement those ports; the
 * wiring files at the top of `src/` (main.ts, app.ts, ...) are the only place that sees them all.
 * Unit tests beside the code (`*.test.ts`) may wire real adapters, so the layer rules skip them;
 * the cycle rule does not.
 */
const SERVICE_SRC = "^services/([^/]+)/src/";
const NOT_TESTS = ["\\.test\\.ts$"];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: one of the modules on it has to give something up to a new module both can import.",
      from: {},
      to: { circular: true },
    },
    {
      name: "packages-not-to-services",
      severity: "error",
      comment:
        "Packages are what services build on; a package's src/ never imports a service. Tests under packages/*/test " +
        "start services through their package names and are not covered. auth-fixture is the one exception: a " +
        "test-support package whose whole job is to start the real auth service for other services' component tests " +
        "(rule test-support-only-in-tests keeps it out of runtime code).",
      from: { path: "^packages/[^/]+/src/", pathNot: ["^packages/auth-fixture/", ...NOT_TESTS] },
      to: { path: ["^services/", "^@tollgate/[^/]+-service$"] },
    },
    {
      name: "test-support-only-in-tests",
      severity: "error",
      comment: "auth-fixture starts a whole auth service with test settings; only tests may use it.",
      from: { path: "^(packages|services)/[^/]+/src/", pathNot: ["^packages/auth-fixture/", ...NOT_TESTS] },
      to: { path: ["^packages/auth-fixture/", "^@tollgate/auth-fixture$"] },
    },
    {
      name: "domain-only-to-domain",
      severity: "error",
      comment:
        "domain/ is use cases and the ports they need: it imports nothing else of its service (not data/, http/, " +
        "messaging/, config.ts, ...). Declare an interface (a port) in domain/ and let the adapter implement it.",
      from: { path: `${SERVICE_SRC}domain/`, pathNot: NOT_TESTS },
      to: { path: "^services/$1/src/", pathNot: "^services/$1/src/domain/" },
    },
    {
      name: "domain-no-infrastructure-libraries",
      severity: "error",
      comment:
        "domain/ does not know how requests, rows, keys, events or sockets travel: no express, knex, ioredis, " +
        "kafkajs, ws or pg, not even their types.",
      from: { path: `${SERVICE_SRC}domain/`, pathNot: NOT_TESTS },
      to: {
        path: [
          "(^|/)node_modules/(@types/)?(express|express-serve-static-core|knex|ioredis|kafkajs|ws|pg|pg-[^/]+)/",
          "^(express|knex|ioredis|kafkajs|ws|pg)$",
        ],
      },
    },
    {
      name: "http-not-to-data",
      severity: "error",
      comment: "http/ parses, calls a use case in domain/, responds; it does not reach the repositories itself.",
      from: { path: `${SERVICE_SRC}http/`, pathNot: NOT_TESTS },
      to: { path: "^services/$1/src/data/" },
    },
    {
      name: "http-not-to-messaging",
      severity: "error",
      comment: "http/ does not publish or consume events itself: the use case it calls does, through its ports.",
      from: { path: `${SERVICE_SRC}http/`, pathNot: NOT_TESTS },
      to: { path: "^services/$1/src/messaging/" },
    },
    {
      name: "services-not-to-other-services",
      severity: "error",
      comment:
        "Services talk over HTTP and Kafka, never through each other's code: a service's src/ imports no other " +
        "service, by path or by package name (what they share lives in packages/contracts and packages/service-kit).",
      from: { path: SERVICE_SRC, pathNot: NOT_TESTS },
      to: { path: ["^services/", "^@tollgate/[^/]+-service$"], pathNot: "^services/$1/" },
    },
    {
      name: "no-imports-of-test-files",
      severity: "error",
      comment: "Runtime code never imports a test file (test files are exempt from the folder rules, so one would be a way round them).",
      from: { pathNot: NOT_TESTS },
      to: { path: NOT_TESTS },
    },
    {
      name: "data-not-to-messaging-or-http",
      severity: "error",
      comment:
        "data/ implements the domain's ports over the database and caches; it does not call producers, consumers " +
        "or routers (compose them in the wiring files instead).",
      from: { path: `${SERVICE_SRC}data/`, pathNot: NOT_TESTS },
      to: { path: "^services/$1/src/(messaging|http)/" },
    },
    {
      name: "presence-not-to-adapters",
      severity: "error",
      comment:
        "game-realtime: presence/ keeps who is connected (in Redis) and tells them things through the interfaces it " +
        "declares; ws/ implements those over sockets and calls presence/, never the other way round. It reaches the " +
        "game through domain/ only, not through data/, messaging/ or http/.",
      from: { path: "^services/game-realtime/src/presence/", pathNot: NOT_TESTS },
      to: { path: "^services/game-realtime/src/(ws|http|data|messaging)/" },
    },
    {
      name: "relative-imports-resolve",
      severity: "error",
      comment: "A relative import that does not resolve would slip past every rule above; it is a broken import anyway.",
      from: {},
      to: { couldNotResolve: true, path: "^\\.\\.?/" },
    },
  ],
  options: {
    // Type-only imports count: `import type { Knex }` in domain/ is still a dependency on knex.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    doNotFollow: { path: ["(^|/)node_modules/", "(^|/)dist/"] },
    exclude: { path: "(^|/)coverage/" },
  },
};
