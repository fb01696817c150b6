import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { setHeader, type Draft, type Mutation } from "./fuzz-draft";
import type { FuzzRandom } from "./fuzz-random";
import { utf8Bytes } from "./fuzz-wire";

const text = (draft: Draft): string => (draft.body.length > 0 ? draft.body.toString("utf8") : '{"value":1}');
const setBody = (draft: Draft, body: string | Buffer): void => {
  draft.body = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  if (draft.method === "GET" || draft.method === "HEAD") draft.method = "POST";
};
const asObject = (draft: Draft): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(text(draft));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not an object: start from an empty one
  }
  return {};
};

const WRONG_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, "", " ", "0", "true", [], [1, 2], {}, { $gt: "" }, "x".repeat(5_000), "\u0000", "😀".repeat(50), "\ud800", "../../etc/passwd", "' OR '1'='1", "<script>alert(1)</script>", 2 ** 53 + 1, "9".repeat(400)];

/** JSON that is not what the route wants, or not JSON at all. */
export const BODY_MUTATIONS: Mutation[] = [
  { kind: "body:truncated", apply: (d, r) => setBody(d, text(d).slice(0, r.int(0, Math.max(0, text(d).length - 1)))) },
  { kind: "body:trailing-garbage", apply: (d, r) => setBody(d, `${text(d)}${r.pick(["}", "]", ",", "garbage", "\u0000", '{"again":1}'])}`) },
  { kind: "body:not-json", apply: (d, r) => setBody(d, r.pick(["{'a': 1}", "{a:1}", "[1,2,", "undefined", "NaN", '{"a":1,}', "{\"a\":01}", "\u0000", "<xml/>", "a=1&b=2", '{"a":"\\x41"}', '{"a":"\\ud800"}', "--boundary\r\n", "1 2"])) },
  { kind: "body:scalar", apply: (d, r) => setBody(d, r.pick(["null", "true", "0", '"text"', "[]", "-1e400", "{}", "[{}]", "1e999"])) },
  { kind: "body:random-bytes", apply: (d, r) => setBody(d, r.bytes(r.int(1, 512))) },
  {
    kind: "body:wrong-types",
    apply: (d, r) => {
      const body = asObject(d);
      const keys = Object.keys(body).length > 0 ? Object.keys(body) : ["value"];
      for (const key of keys) if (r.chance(0.6)) body[key] = r.pick(WRONG_VALUES);
      setBody(d, JSON.stringify(body));
    },
  },
  {
    kind: "body:extra-fields",
    apply: (d, r) => {
      const extra = r.pick(['"__proto__":{"admin":true}', '"constructor":{"prototype":{"admin":true}}', '"role":"admin"', '"id":"00000000-0000-0000-0000-000000000000"', '"a":1,"a":2']);
      const base = text(d).trim();
      setBody(d, base.startsWith("{") && base.length > 2 ? `{${extra},${base.slice(1)}` : `{${extra}}`);
    },
  },
  {
    kind: "body:huge-string",
    apply: (d, r) => {
      const body = asObject(d);
      const key = r.pick(Object.keys(body).length > 0 ? Object.keys(body) : ["value"]);
      body[key] = "y".repeat(r.pick([10_000, 99_000, 150_000]));
      setBody(d, JSON.stringify(body));
    },
  },
  // Over the gateway's GATEWAY_MAX_BODY_SIZE (1m in the e2e stack): nginx answers 413 itself.
  { kind: "body:over-gateway-limit", apply: (d) => setBody(d, `{"value":"${"z".repeat(1_100_000)}"}`) },
  { kind: "body:deep-nesting", apply: (d, r) => { const depth = r.pick([100, 5_000, 40_000]); setBody(d, r.chance(0.5) ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`); } },
  { kind: "body:bom", apply: (d) => setBody(d, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text(d))])) },
  { kind: "body:invalid-utf8", apply: (d, r) => { const t = text(d); const at = r.int(0, t.length); setBody(d, Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.from(r.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), Buffer.from(t.slice(at))])); } },
  { kind: "body:utf16", apply: (d) => setBody(d, Buffer.from(`\ufeff${text(d)}`, "utf16le")) },
  { kind: "body:empty", apply: (d) => setBody(d, Buffer.alloc(0)) },
];

/** Content-Type values and their repeats. */
export const TYPE_MUTATIONS: Mutation[] = [
  { kind: "type:missing", apply: (d) => (d.headers = d.headers.filter(([name]) => name.toLowerCase() !== "content-type")) },
  {
    kind: "type:odd",
    apply: (d, r) =>
      setHeader(d, "Content-Type", r.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=", "application/json; charset=utf-16", "application/json; charset=latin1", "application/json; charset=bogus-9", "application/json;;;", 'application/json; charset="', "APPLICATION/JSON", "application/json, text/plain", "*/*", "", "application/ld+json", "application/merge-patch+json", "application/json; charset=utf-8; charset=ascii", "json", "application/", "/json", utf8Bytes("application/jsön")])),
  },
  { kind: "type:long", apply: (d, r) => setHeader(d, "Content-Type", `application/json; ${"p=v; ".repeat(r.int(100, 1_000))}`) },
  { kind: "type:duplicate", apply: (d) => d.headers.push(["Content-Type", "text/plain"]) },
];

const compressed = (r: FuzzRandom, plain: Buffer, coding: string): Buffer => (coding === "gzip" ? gzipSync(plain) : coding === "br" ? brotliCompressSync(plain) : r.chance(0.5) ? deflateSync(plain) : gzipSync(plain));

const bombs = new Map<string, Buffer>();
const bomb = (coding: "gzip" | "br"): Buffer => {
  const zeros = () => Buffer.alloc(40_000_000);
  if (!bombs.has(coding)) bombs.set(coding, coding === "gzip" ? gzipSync(zeros()) : brotliCompressSync(zeros()));
  return bombs.get(coding) as Buffer;
};

/** Content-Encoding that the body does not honour, that nothing speaks, or that expands far. */
export const ENCODING_MUTATIONS: Mutation[] = [
  { kind: "encoding:garbage", apply: (d, r) => { setHeader(d, "Content-Encoding", r.pick(["gzip", "deflate", "br"])); setBody(d, r.bytes(r.int(1, 300))); } },
  { kind: "encoding:valid", apply: (d, r) => { const coding = r.pick(["gzip", "deflate", "br"]); setHeader(d, "Content-Encoding", coding); setBody(d, compressed(r, Buffer.from(text(d)), coding)); } },
  { kind: "encoding:mismatched", apply: (d, r) => { const [said, made] = r.pick([["gzip", "br"], ["br", "gzip"], ["deflate", "br"], ["gzip", "deflate"]] as const); setHeader(d, "Content-Encoding", said); setBody(d, compressed(r, Buffer.from(text(d)), made)); } },
  { kind: "encoding:truncated", apply: (d, r) => { setHeader(d, "Content-Encoding", "gzip"); const full = gzipSync(Buffer.from(text(d))); setBody(d, full.subarray(0, r.int(1, full.length - 1))); } },
  { kind: "encoding:unknown", apply: (d, r) => setHeader(d, "Content-Encoding", r.pick(["compress", "x-gzip", "zstd", "foo", "gzip, gzip", "gzip, br", "identity", "", "GZIP", "gzip;q=1"])) },
  // 40 MB of zeros in a few KB: the decoded size is what the body limit has to catch.
  { kind: "encoding:bomb", apply: (d, r) => { const coding = r.pick(["gzip", "br"] as const); setHeader(d, "Content-Encoding", coding); setBody(d, bomb(coding)); } },
];

const chunked = (body: Buffer): Buffer => Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]);

/** Content-Length and Transfer-Encoding that disagree with the body or with each other. */
export const LENGTH_MUTATIONS: Mutation[] = [
  { kind: "length:shorter", apply: (d, r) => { if (d.body.length === 0) setBody(d, text(d)); d.contentLength = [String(r.int(0, d.body.length - 1))]; } },
  // The announced body never comes; the client leaves: no answer is fine, a 5xx is not.
  { kind: "length:longer", apply: (d, r) => { d.contentLength = [String(d.body.length + r.int(1, 5_000))]; d.halfClose = true; } },
  // Where a parser reads more than the body holds (" 12", two lengths), the client leaves as above.
  { kind: "length:malformed", apply: (d, r) => { d.contentLength = [r.pick(["-1", "abc", "1e3", "0x10", " 12", "+5", "1.5", "", "99999999999999999999", "18446744073709551616", "١٢"])]; d.halfClose = true; } },
  { kind: "length:duplicate", apply: (d, r) => { d.contentLength = r.chance(0.5) ? [String(d.body.length), String(d.body.length + 1)] : [String(d.body.length), String(d.body.length)]; d.halfClose = true; } },
  { kind: "length:and-chunked", apply: (d) => { setHeader(d, "Transfer-Encoding", "chunked"); d.contentLength = [String(d.body.length)]; d.body = chunked(d.body); } },
  { kind: "length:chunked", apply: (d) => { setHeader(d, "Transfer-Encoding", "chunked"); d.contentLength = "none"; d.body = chunked(d.body.length > 0 ? d.body : Buffer.from(text(d))); } },
  { kind: "length:chunked-malformed", apply: (d, r) => { setHeader(d, "Transfer-Encoding", "chunked"); d.contentLength = "none"; d.body = Buffer.from(r.pick(["zz\r\nabc\r\n0\r\n\r\n", "5\r\nab\r\n0\r\n\r\n", "-1\r\n\r\n", "fffffffffffffffff\r\nx\r\n", "3;ext=\"\r\nabc\r\n0\r\n\r\n", "3\r\nabc0\r\n\r\n", "0\r\nX-Trailer: smuggled\r\n\r\n"]), "latin1"); d.halfClose = true; } },
  { kind: "length:chunked-unfinished", apply: (d) => { setHeader(d, "Transfer-Encoding", "chunked"); d.contentLength = "none"; d.body = Buffer.from("10\r\n0123456789"); d.halfClose = true; } },
  { kind: "length:transfer-encoding", apply: (d, r) => { setHeader(d, "Transfer-Encoding", r.pick(["gzip, chunked", "chunked, chunked", "identity", "xchunked", "Chunked", " chunked", "chunked;q=1", ""])); d.contentLength = "none"; d.body = chunked(Buffer.from(text(d))); } },
];
