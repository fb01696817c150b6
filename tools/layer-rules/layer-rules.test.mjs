// The rule set's own test, run by `npm run lint`: every rule still fires on a tree that breaks it,
// and a tree laid out as the rules ask passes. Weakening or dropping a rule fails here.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkLayers, workspaceSources } from "./check-layers.mjs";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

async function violationsIn(tree) {
  const baseDir = join(fixtures, tree);
  const { violations, exitCode, report } = await checkLayers({ baseDir, paths: workspaceSources(baseDir) });
  return {
    exitCode,
    report,
    found: violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, "node_modules/")}`).sort(),
  };
}

describe("layer rules", () => {
  // Both imports in place-order.use-case.ts are `import type`: they count all the same.
  it("when a tree breaks each rule, then each break is reported and the check fails", async () => {
    const { exitCode, found } = await violationsIn("violating");
    const shop = "services/shop/src";
    assert.deepEqual(found, [
      "data-not-to-messaging-or-http: services/shop/src/data/order.repository.ts -> services/shop/src/messaging/order-events.producer.ts",
      "domain-no-infrastructure-libraries: services/shop/src/domain/place-order.use-case.ts -> node_modules/knex/knex.js",
      "domain-only-to-domain: services/shop/src/domain/place-order.use-case.ts -> services/shop/src/data/order.repository.ts",
      "http-not-to-data: services/shop/src/http/orders.router.ts -> services/shop/src/data/order.repository.ts",
      "http-not-to-messaging: services/shop/src/http/cart.router.ts -> services/shop/src/messaging/order-events.producer.ts",
      `no-circular: ${shop}/domain/ping.ts -> ${shop}/domain/pong.ts`,
      "no-imports-of-test-files: services/shop/src/domain/discount.ts -> services/shop/src/domain/discount.test.ts",
      "packages-not-to-services: packages/kit/src/index.ts -> services/shop/src/http/orders.router.ts",
      "presence-not-to-adapters: services/game-realtime/src/presence/lobby.ts -> services/game-realtime/src/data/game.store.ts",
      "presence-not-to-adapters: services/game-realtime/src/presence/lobby.ts -> services/game-realtime/src/ws/game-connection.ts",
      "relative-imports-resolve: services/shop/src/http/orders.router.ts -> ./no-such-file",
      "services-not-to-other-services: services/shop/src/billing-link.ts -> services/billing/src/price.ts",
      "test-support-only-in-tests: services/shop/src/start-fixture.ts -> packages/auth-fixture/src/index.ts",
    ]);
    assert.notEqual(exitCode, 0);
  });

  it("when a tree keeps to the layers, then nothing is reported", async () => {
    const { exitCode, found, report } = await violationsIn("clean");
    assert.deepEqual(found, [], report);
    assert.equal(exitCode, 0);
  });
});
