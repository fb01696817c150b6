// Issue #17, part 4: generated malformed requests through the gateway (bodies, encodings,
// headers, paths, methods, query strings) against every route of every service, signed in so the
// authenticated routes are reached too. No answer may be 5xx, and every error answer, the
// services' and nginx's own, is the standard body. The seed is printed: FUZZ_SEED=<seed> replays
// the same requests, FUZZ_COUNT=<n> changes how many (3,000 by default).
import { startE2eStack, type E2eStack } from "@tollgate/test-harness";
import { generateCases, type FuzzCase, type FuzzTarget } from "./support/fuzz-cases";
import { signedInIdentity } from "./support/fuzz-identity";
import { FuzzRandom, fuzzCount, fuzzSeed } from "./support/fuzz-random";
import { GATEWAY_ROUTES, routesOfDocument, type FuzzRoute } from "./support/fuzz-routes";
import { startFuzzUpstream, type FuzzUpstream } from "./support/fuzz-upstream";
import { judge, type Verdict } from "./support/fuzz-verdict";
import { exchange, serialize } from "./support/fuzz-wire";

const SEED = fuzzSeed(process.env.FUZZ_SEED);
const COUNT = fuzzCount(process.env.FUZZ_COUNT, 3_000);
const CONCURRENCY = 8;
const ANSWER_TIMEOUT_MS = 15_000;
const TRANSIENT = "503 once, not again a second later";
const replay = `FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT} npx jest test/fuzz.test.ts (in packages/chaos)`;

/** How a failing case reads: enough to replay it by hand, the request as it went on the wire. */
function failureLine(fuzzCase: FuzzCase, verdict: Verdict): string {
  const wire = serialize(fuzzCase.request).toString("latin1");
  const shown = wire.length > 1_000 ? `${wire.slice(0, 600)}…(${wire.length} bytes in all)…${wire.slice(-400)}` : wire;
  return `#${fuzzCase.index} ${fuzzCase.route} [${fuzzCase.kinds.join(", ")}]: ${verdict.fault}\n    request: ${JSON.stringify(shown)}`;
}

/**
 * A 503 says a dependency was slow or away (the machine's Redis is shared with every other test
 * run): the case is sent once more a second later. A 503 that the input caused comes again; one
 * that does not is counted apart, and must stay rare.
 */
async function run(fuzzCase: FuzzCase, port: number): Promise<Verdict> {
  const verdict = judge(fuzzCase, await exchange(port, fuzzCase.request, ANSWER_TIMEOUT_MS));
  if (!verdict.fault || verdict.outcome !== "503") return verdict;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const again = judge(fuzzCase, await exchange(port, fuzzCase.request, ANSWER_TIMEOUT_MS));
  return again.fault ? verdict : { outcome: TRANSIENT };
}

async function runAll(cases: FuzzCase[], port: number): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) verdicts[i] = await run(cases[i] as FuzzCase, port);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return verdicts;
}

describe("hostile input through the gateway", () => {
  let upstream: FuzzUpstream;
  let stack: E2eStack;

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED}, ${COUNT} requests; replay with ${replay}`);
    upstream = await startFuzzUpstream();
    stack = await startE2eStack({ upstreamUrl: upstream.url, appOrigin: true });
    // Each case's X-Request-Id is fuzz-<seed>-<case>: grep the logs here for it.
    console.log(`fuzz seed ${SEED}: the stack's logs are in ${stack.logDir}`);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
  });

  it(`when ${COUNT} generated malformed requests reach every route, then none is answered 5xx and every error is the standard body`, async () => {
    const [main, spare] = [await signedInIdentity(stack.gatewayUrl), await signedInIdentity(stack.gatewayUrl)];
    const documented: FuzzRoute[] = [];
    for (const service of ["auth", "token", "proxy", "game-realtime"]) {
      const res = await fetch(`${stack.gatewayUrl}/openapi/${service}.json`);
      expect(res.status).toBe(200);
      documented.push(...routesOfDocument((await res.json()) as Parameters<typeof routesOfDocument>[0]));
    }
    // One route per method and path as the gateway routes them: the proxy's own
    // /.well-known/jwks.json is /.well-known/proxy-jwks.json there (a gateway route), the path
    // itself auth's.
    const routes = [...GATEWAY_ROUTES, ...documented].filter((route, i, all) => all.findIndex((other) => other.name === route.name) === i);
    const port = Number(new URL(stack.gatewayUrl).port);
    const target: FuzzTarget = { port, seed: SEED, main, spare };
    const cases = generateCases(new FuzzRandom(SEED), COUNT, routes, target);

    const started = Date.now();
    const verdicts = await runAll(cases, port);

    const counts = new Map<string, number>();
    for (const verdict of verdicts) counts.set(verdict.outcome, (counts.get(verdict.outcome) ?? 0) + 1);
    const faults = cases.flatMap((fuzzCase, i) => (verdicts[i]?.fault ? [failureLine(fuzzCase, verdicts[i] as Verdict)] : []));
    const byCount = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([outcome, n]) => `${outcome}: ${n}`);
    // The credentials held: signed-in routes were served, not only refused.
    const served = (credential: FuzzCase["credential"]) => cases.filter((fuzzCase, i) => fuzzCase.credential === credential && /^2\d\d$/.test(verdicts[i]?.outcome ?? "")).length;
    console.log(`fuzz seed ${SEED}: ${COUNT} requests over ${routes.length} routes in ${Date.now() - started} ms; ${faults.length} faults; ${byCount.join(", ")}; 2xx with a bearer: ${served("bearer")}, with an access token: ${served("access token")}`);

    if (faults.length > 0) console.log(`fuzz seed ${SEED}: every fault\n${faults.join("\n")}`);
    // The message carries the seed, so a red run in CI can be replayed as it was.
    expect({ seed: SEED, replay, faults: faults.length, first: faults.slice(0, 25) }).toEqual({ seed: SEED, replay, faults: 0, first: [] });
    expect((counts.get(TRANSIENT) ?? 0) / COUNT).toBeLessThanOrEqual(0.01);
    if (COUNT >= routes.length) expect({ bearer: served("bearer") > 0, accessToken: served("access token") > 0 }).toEqual({ bearer: true, accessToken: true });
  });
});
