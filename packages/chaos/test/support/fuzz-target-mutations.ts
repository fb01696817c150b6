import type { Draft, Mutation } from "./fuzz-draft";
import type { FuzzRandom } from "./fuzz-random";
import { utf8Bytes } from "./fuzz-wire";

/** Segments a path may hold in place of a valid one: bad escapes, traversal, odd bytes and sizes. */
const SEGMENTS = [
  "%ff", "%", "%zz", "%2", "%c0%af", "%e2%82", "%ed%a0%80", "%00", "%2e%2e", "%2e", "%2f", "%5c", "..%2f..%2f", "%252e%252e", "%u0041",
  "\u00ff", utf8Bytes("é"), utf8Bytes("😀"), "%F0%9F%98%80", "+", ";", ";jsessionid=x", "*", "~", "%20", "%09", "\\",
  "-1", "0", "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "null", "undefined", "__proto__", "constructor",
  "' OR '1'='1", "%27%20OR%20%271%27%3D%271", "<script>", "%3Cscript%3E", "${7*7}",
];

const segments = (draft: Draft) => draft.path.split("/");

const replaceSegment = (draft: Draft, r: FuzzRandom, value: string): void => {
  const parts = segments(draft);
  // parts[0] is the empty string before the first slash.
  const at = parts.length > 1 ? r.int(1, parts.length - 1) : 1;
  parts[at] = r.chance(0.3) ? `${parts[at] ?? ""}${value}` : value;
  draft.path = parts.join("/");
};

/** Paths: escapes that do not decode, traversal, lengths past every buffer, request targets of other forms. */
export const PATH_MUTATIONS: Mutation[] = [
  { kind: "path:segment", apply: (d, r) => replaceSegment(d, r, r.pick(SEGMENTS)) },
  { kind: "path:percent", apply: (d, r) => replaceSegment(d, r, r.pick(["%ff", "%", "%zz", "%c0%af", "%e2%82", "%fe%ff", `%${r.bytes(1).toString("hex")}`])) },
  { kind: "path:long-segment", apply: (d, r) => replaceSegment(d, r, "s".repeat(r.pick([300, 1_500, 7_000, 20_000]))) },
  { kind: "path:many-segments", apply: (d, r) => (d.path = `${d.path}${"/x".repeat(r.pick([50, 500, 3_000]))}`) },
  { kind: "path:slashes", apply: (d, r) => (d.path = r.pick([d.path.replace(/\//g, "//"), `${d.path}/`, `/${d.path}`, d.path.replace("/", "/./"), `/../..${d.path}`, `${d.path}/..`, `${d.path}/.`, d.path.replace(/\//g, "\\")])) },
  { kind: "path:suffix", apply: (d, r) => (d.path = `${d.path}${r.pick([".json", "/extra", "%2fextra", "#fragment", "%23", "%3f", "/%ff", "~", "%00"])}`) },
  { kind: "path:case", apply: (d) => (d.path = d.path.toUpperCase()) },
  {
    kind: "path:target-form",
    apply: (d, r) => {
      const whole = d.query === "" ? d.path : `${d.path}?${d.query}`;
      d.target = r.pick([`http://127.0.0.1${whole}`, `http://evil.example${whole}`, "*", whole.slice(1), "", `${whole} extra`, `${whole}\t`, `//evil.example${whole}`, `http://[::1${whole}`]);
    },
  },
];

const VALUES = ["%ff", "%", "%zz", "", "-1", "0", "1e400", "NaN", "Infinity", "true", "yes", "null", "[]", "{}", "%00", "a".repeat(3_000), utf8Bytes("ünïcode"), "%F0%9F%98%80", "' OR '1'='1", "999999999999999999999"];

/** Query strings: repeated and nested keys (qs), bad escapes, huge and prototype-polluting ones. */
export const QUERY_MUTATIONS: Mutation[] = [
  {
    kind: "query:value",
    apply: (d, r) => {
      const pairs = d.query === "" ? ["limit=10"] : d.query.split("&");
      const at = r.int(0, pairs.length - 1);
      pairs[at] = `${(pairs[at] ?? "k").split("=")[0]}=${r.pick(VALUES)}`;
      d.query = pairs.join("&");
    },
  },
  {
    kind: "query:shape",
    apply: (d, r) => {
      const key = (d.query.split("=")[0] ?? "") || r.pick(["status", "limit", "active_only", "user_id"]);
      d.query = r.pick([`${key}=a&${key}=b`, `${key}[a]=b`, `${key}[]=1&${key}[]=2`, `${key}[0][1][2][3][4][5]=x`, `__proto__[admin]=1&${d.query}`, `constructor[prototype][admin]=1`, `${key}`, "&&&", "=", "==", `${key}=a=b`, `%ff=1`, `${key}%5B%5D=1`]);
    },
  },
  { kind: "query:huge", apply: (d, r) => (d.query = r.chance(0.5) ? `q=${"q".repeat(r.pick([2_000, 7_500, 30_000]))}` : Array.from({ length: r.pick([100, 1_500]) }, (_v, i) => `k${i}=${i}`).join("&")) },
  { kind: "query:raw-bytes", apply: (d, r) => (d.query = `${d.query}&${r.pick(["\u00ff=\u00fe", "a=b#c", "a=%", "a=%%", utf8Bytes("ä=😀")])}`) },
];
