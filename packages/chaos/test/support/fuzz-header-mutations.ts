import { removeHeader, setHeader, type Mutation } from "./fuzz-draft";
import type { FuzzRandom } from "./fuzz-random";
import { utf8Bytes } from "./fuzz-wire";

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const tampered = (jwt: string, r: FuzzRandom): string => {
  const [header = "", payload = "", signature = ""] = jwt.split(".");
  switch (r.int(0, 3)) {
    case 0:
      return `${header}.${payload}.${signature.slice(0, -2)}AA`;
    case 1:
      return `${header}.${base64url({ sub: "00000000-0000-0000-0000-000000000000", role: "admin", exp: 9_999_999_999 })}.${signature}`;
    case 2:
      return `${base64url({ alg: "none", typ: "JWT" })}.${payload}.`;
    default:
      return `${base64url({ alg: "RS256", kid: "../../../../etc/passwd" })}.${payload}.${signature}`;
  }
};

const GARBAGE = ["", " ", "null", "undefined", "a.b.c", "....", "' OR '1'='1", "\u0001\u0002", "tg_", "x".repeat(5_000), "😀", "%ff", "${jndi:ldap://x}", "Bearer"];
const garbage = (r: FuzzRandom) => utf8Bytes(r.pick(GARBAGE));

/** Credentials: missing, malformed, tampered, oversized, repeated. */
export const CREDENTIAL_MUTATIONS: Mutation[] = [
  { kind: "auth:missing", apply: (d) => removeHeader(d, "Authorization") },
  {
    kind: "auth:malformed",
    apply: (d, r, id) =>
      setHeader(d, "Authorization", r.pick([`Bearer ${garbage(r)}`, "Bearer", "Bearer ", `bearer ${id.bearer}`, `Bearer  ${id.bearer}`, `Bearer ${id.bearer} extra`, "Basic dXNlcjpwYXNz", `Token ${id.bearer}`, `Bearer ${id.accessToken}`, utf8Bytes("Bearer é"), `Bearer ${"a".repeat(7_000)}`])),
  },
  { kind: "auth:tampered-jwt", apply: (d, r, id) => setHeader(d, "Authorization", `Bearer ${tampered(id.bearer, r)}`) },
  { kind: "auth:duplicate", apply: (d, r, id) => { removeHeader(d, "Authorization"); d.headers.push(["Authorization", `Bearer ${id.bearer}`], ["Authorization", r.chance(0.5) ? `Bearer ${id.bearer}` : `Bearer ${garbage(r)}`]); } },
  { kind: "token:missing", apply: (d) => removeHeader(d, "X-Access-Token") },
  { kind: "token:malformed", apply: (d, r, id) => setHeader(d, "X-Access-Token", r.pick([garbage(r), `${id.accessToken} `, ` ${id.accessToken}`, id.accessToken.toUpperCase(), `${id.accessToken}x`, id.accessToken.slice(0, -1), id.bearer, "tg_" + "0".repeat(300)])) },
  { kind: "token:duplicate", apply: (d, r, id) => { removeHeader(d, "X-Access-Token"); d.headers.push(["X-Access-Token", id.accessToken], ["X-Access-Token", r.chance(0.5) ? id.accessToken : garbage(r)]); } },
  { kind: "token:in-query", apply: (d, r, id) => (d.query = `${d.query}${d.query ? "&" : ""}access_token=${r.chance(0.5) ? id.accessToken : "%ff%fe"}`) },
];

/** Request ids, sizes and shapes of headers the parsers have to survive. */
export const HEADER_MUTATIONS: Mutation[] = [
  { kind: "reqid:malformed", apply: (d, r) => setHeader(d, "X-Request-Id", utf8Bytes(r.pick(["", "short", "<script>", "a".repeat(129), "a".repeat(5_000), "id with spaces", "ünïcode-id-123", "../../../../x", "{}"]))) },
  { kind: "reqid:duplicate", apply: (d) => d.headers.push(["X-Request-Id", "second-request-id-0001"]) },
  { kind: "header:oversized", apply: (d, r) => d.headers.push([r.pick(["X-Big", "Cookie", "User-Agent", "Accept"]), "b".repeat(r.pick([4_000, 9_000, 40_000]))]) },
  { kind: "header:many", apply: (d, r) => { for (let i = 0, n = r.pick([50, 300, 3_000]); i < n; i++) d.headers.push([`X-Many-${i}`, "v".repeat(20)]); } },
  { kind: "header:obs-fold", apply: (d) => d.headers.push(["X-Folded", `first\r\n  continued`]) },
  { kind: "header:no-colon", apply: (d) => d.headers.push(["NoColonHere\r\nX-After", "1"]) },
  { kind: "header:bad-name", apply: (d, r) => d.headers.push([r.pick(["Bad Name", "X(paren)", "", "X\u0001", "X_Access_Token", "Content-Length ", utf8Bytes("X-Ünicode")]), "value"]) },
  { kind: "header:bad-value", apply: (d, r) => d.headers.push(["X-Odd", r.pick(["\u0001\u0002\u0003", "\u00ff\u00fe", "a\u0000b", "\u007f", "tab\there", utf8Bytes("värde 😀")])]) },
  { kind: "header:bare-lf", apply: (d) => (d.lineEnd = "\n") },
  { kind: "header:expect", apply: (d, r) => setHeader(d, "Expect", r.pick(["100-continue", "200-ok", "garbage", ""])) },
  { kind: "header:accept", apply: (d, r) => setHeader(d, "Accept", r.pick(["text/html", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "application/xml", "*/*", "garbage/", ";;;", "image/png"])) },
  { kind: "header:accept-encoding", apply: (d, r) => setHeader(d, "Accept-Encoding", r.pick(["gzip;q=nan", "*;q=0", "br, gzip, deflate", "identity;q=0", ","])) },
  { kind: "header:range", apply: (d, r) => setHeader(d, "Range", r.pick(["bytes=0-0", "bytes=garbage", "bytes=5-1", "bytes=0-,0-,0-,0-", "pages=1"])) },
  { kind: "header:conditional", apply: (d, r) => setHeader(d, r.pick(["If-None-Match", "If-Modified-Since", "If-Match", "If-Range"]), r.pick(["*", '"x"', "garbage", "Thu, 01 Jan 1970 00:00:00 GMT"])) },
  { kind: "header:cookie", apply: (d, r) => setHeader(d, "Cookie", r.pick(["tollgate_app_session=x; tollgate_app_session=y", "tollgate_app_session=%ff", "=;=;=", "a", utf8Bytes("ä=ö")])) },
  { kind: "header:upgrade", apply: (d, r) => { setHeader(d, "Connection", "Upgrade"); setHeader(d, "Upgrade", r.pick(["websocket", "h2c", "garbage", "websocket, h2c"])); if (r.chance(0.5)) setHeader(d, "Sec-WebSocket-Version", r.pick(["13", "8", "x"])); } },
  { kind: "header:forwarded", apply: (d, r) => setHeader(d, r.pick(["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "Forwarded", "X-Real-Ip"]), r.pick(["garbage", "1.2.3.4, ::1", "evil.example", "https", "99999", "for=\"[::1", "", utf8Bytes("ünïcode")])) },
  { kind: "header:origin", apply: (d, r) => { setHeader(d, "Origin", r.pick(["https://evil.example", "null", "garbage"])); if (r.chance(0.5)) { d.method = "OPTIONS"; setHeader(d, "Access-Control-Request-Method", "DELETE"); } } },
  { kind: "header:connection", apply: (d, r) => setHeader(d, "Connection", r.pick(["keep-alive", "close, X-Access-Token", "Authorization", "TE", "garbage"])) },
];

/** The request line: methods nobody routes, versions nobody speaks. */
export const LINE_MUTATIONS: Mutation[] = [
  { kind: "method:other", apply: (d, r) => (d.method = r.pick(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])) },
  { kind: "method:odd", apply: (d, r) => (d.method = r.pick(["get", "Post", "BREW", "PROPFIND", "MKCOL", "TRACE", "CONNECT", "M-SEARCH", "A".repeat(100), "G@T", "PURGE", "LINK", "QUERY"])) },
  { kind: "protocol:version", apply: (d, r) => (d.version = r.pick(["HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/3", "http/1.1", "HTTP/1.1x", "HTTP/9.9", "HTTP/1.01", "HTTP/01.1", "HTTP/"])) },
  // A request line without a version is HTTP/0.9: nginx answers with the body alone.
  { kind: "protocol:http09", apply: (d) => { d.method = "GET"; d.version = ""; } },
  { kind: "host:odd", apply: (d, r) => setHeader(d, "Host", utf8Bytes(r.pick(["", "ex ample", "127.0.0.1:abc", "h".repeat(2_000), "[::1]", "app.localhost", "APP.LOCALHOST", "app.localhost.", "ünïcode.example", "127.0.0.1:99999"]))) },
  { kind: "host:missing", apply: (d) => removeHeader(d, "Host") },
  { kind: "host:duplicate", apply: (d) => d.headers.push(["Host", "other.example"]) },
];
