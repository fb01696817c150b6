// One line of nginx's error log as a JSON object, so the gateway's errors read like every other
// Tollgate log (README, "HTTP conventions": logs are JSON lines). The line's shape is nginx's own
// (src/core/ngx_log.c and ngx_http_log_error in ngx_http_request.c):
//   2026/11/30 16:58:01 [crit] 1234#1234: *5 open() "…" failed (13: Permission denied), client: 127.0.0.1, server: , request: "POST /x HTTP/1.1", host: "127.0.0.1:8080"
// "*5" is the connection number, which the access log carries as "connection".

const HEAD = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[([a-z]+)\] (\d+)#\d+: (?:\*(\d+) )?([\s\S]*)$/;
// The context nginx appends to a request's errors, in this order, each ", key: value".
const CONTEXT = /, (client|server|request|subrequest|upstream|host|referrer): ("(?:[^"\\]|\\.)*"|[^,]*)/g;

// Query strings are never logged (README, "HTTP conventions"): they carry credentials a client may
// put there (`?access_token=` on WebSockets, launch tickets). nginx writes the request line whole
// into its error log, so the query is cut from every field that holds a URL.
const URL_FIELDS = new Set(["request", "subrequest", "upstream", "referrer"]);
const withoutQuery = (value) => value.replace(/\?[^\s"]*/g, "");
// And anywhere else, a credential-looking parameter is blanked.
const redactParams = (text) => text.replace(/\b(access_token|token|ticket|code|state)=[^&\s"]*/gi, "$1=[redacted]");

/** @returns {Record<string, string | number | null>} */
export function parseNginxErrorLine(line) {
  const head = HEAD.exec(line.trim());
  if (!head) return { time: new Date().toISOString(), service: "gateway", level: "unknown", message: line.trim() };
  const [, year, month, day, hour, minute, second, level, pid, connection, rest] = head;
  // nginx writes local time without a zone: read it as this machine's local time.
  const time = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)).toISOString();
  const contextStart = rest.search(/, client: /);
  const message = redactParams(contextStart === -1 ? rest : rest.slice(0, contextStart));
  const entry = { time, service: "gateway", level, message, pid: Number(pid), connection: connection === undefined ? null : Number(connection) };
  if (contextStart !== -1) {
    for (const [, key, raw] of rest.slice(contextStart).matchAll(CONTEXT)) {
      const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      entry[key] = redactParams(URL_FIELDS.has(key) ? withoutQuery(value) : value);
    }
  }
  return entry;
}
