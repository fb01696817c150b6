import { E2E_APP_HOST } from "@tollgate/test-harness";
import { BODY_MUTATIONS, ENCODING_MUTATIONS, LENGTH_MUTATIONS, TYPE_MUTATIONS } from "./fuzz-body-mutations";
import { finalize, setHeader, type Draft, type FuzzIdentity, type Mutation } from "./fuzz-draft";
import { CREDENTIAL_MUTATIONS, HEADER_MUTATIONS, LINE_MUTATIONS } from "./fuzz-header-mutations";
import type { FuzzRandom } from "./fuzz-random";
import type { FuzzRoute } from "./fuzz-routes";
import { PATH_MUTATIONS, QUERY_MUTATIONS } from "./fuzz-target-mutations";
import type { WireRequest } from "./fuzz-wire";

/** Each case draws one to three families, then one kind in each: every family about as often. */
const FAMILIES: Mutation[][] = [BODY_MUTATIONS, TYPE_MUTATIONS, ENCODING_MUTATIONS, LENGTH_MUTATIONS, CREDENTIAL_MUTATIONS, HEADER_MUTATIONS, LINE_MUTATIONS, PATH_MUTATIONS, QUERY_MUTATIONS];

export interface FuzzCase {
  index: number;
  route: string;
  /** What the route's valid request signs in with (before any mutation). */
  credential: "bearer" | "access token" | "none";
  kinds: string[];
  request: WireRequest;
}

export interface FuzzTarget {
  port: number;
  seed: number;
  /** The signed-in user most routes are called as. */
  main: FuzzIdentity;
  /** Used by the routes that spend credentials (logout, revoke…), so the main user keeps its own. */
  spare: FuzzIdentity;
}

/** The valid request a case starts from: the route as its document describes it, credentials included. */
function baseline(route: FuzzRoute, identity: FuzzIdentity, target: FuzzTarget, index: number): Draft {
  const headers: [string, string][] = [
    ["Host", route.site === "app" ? `${E2E_APP_HOST}:${target.port}` : `127.0.0.1:${target.port}`],
    ["User-Agent", "tollgate-fuzz"],
    ["Accept", "application/json"],
    // Every case names itself in the services' and the gateway's logs.
    ["X-Request-Id", `fuzz-${target.seed}-${index}`],
    ["Connection", "close"],
  ];
  const draft: Draft = { method: route.method, path: route.path(identity), query: route.query, version: "HTTP/1.1", headers, body: Buffer.alloc(0), contentLength: "auto", lineEnd: "\r\n", halfClose: false };
  if (route.bearer) headers.push(["Authorization", `Bearer ${identity.bearer}`]);
  if (route.accessToken) headers.push(["X-Access-Token", identity.accessToken]);
  if (route.websocket) {
    setHeader(draft, "Connection", "Upgrade");
    headers.push(["Upgrade", "websocket"], ["Sec-WebSocket-Version", "13"], ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="]);
  }
  if (route.body !== undefined) {
    headers.push(["Content-Type", "application/json"]);
    draft.body = Buffer.from(JSON.stringify(route.body));
  }
  return draft;
}

/**
 * `count` cases from `random`: route i is `routes[i % routes.length]`, so every route is hit
 * evenly; the mutations are drawn. The same seed, count and routes make the same requests.
 */
export function generateCases(random: FuzzRandom, count: number, routes: FuzzRoute[], target: FuzzTarget): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (let index = 0; index < count; index++) {
    const route = routes[index % routes.length] as FuzzRoute;
    const identity = route.spendsCredentials ? target.spare : target.main;
    const draft = baseline(route, identity, target, index);
    const kinds: string[] = [];
    const families = new Set<Mutation[]>();
    for (let n = random.pick([1, 1, 1, 2, 2, 3]); families.size < n; ) families.add(random.pick(FAMILIES));
    // Lengths last: they describe the body as the other mutations left it.
    for (const family of [...families].sort((a, b) => Number(a === LENGTH_MUTATIONS) - Number(b === LENGTH_MUTATIONS))) {
      const mutation = random.pick(family);
      mutation.apply(draft, random, identity);
      kinds.push(mutation.kind);
    }
    cases.push({ index, route: route.name, credential: route.bearer ? "bearer" : route.accessToken ? "access token" : "none", kinds, request: finalize(draft) });
  }
  return cases;
}
