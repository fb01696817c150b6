import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { MessageStore, SunkMessage } from "./message-store";

/** `X-Request-Id` is echoed when well formed (as the services accept it), made up otherwise. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const MESSAGE_PATH = /^\/messages\/([^/]+)$/;
const MAX_LIMIT = 1_000;

/** The body every Tollgate service answers an error with (README, "HTTP conventions"). */
function sendError(res: ServerResponse, requestId: string, status: number, errorCode: string, detail: string, headers: Record<string, string> = {}): void {
  const body = { detail, error_code: errorCode, status_code: status, timestamp: new Date().toISOString(), request_id: requestId };
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-request-id": requestId, ...headers });
  res.end(JSON.stringify(body));
}

function sendJson(res: ServerResponse, requestId: string, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-request-id": requestId });
  res.end(JSON.stringify(body));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page a developer reads in a browser: the newest mails, their text parts in full. */
function indexPage(messages: SunkMessage[], total: number): string {
  const items = messages
    .map(
      (m) => `<article><h2>${escapeHtml(m.subject ?? "(no subject)")}</h2>
<p>${escapeHtml(m.received_at)} · from ${escapeHtml(m.from ?? m.envelope_from ?? "")} · to ${escapeHtml(m.envelope_to.join(", "))} · <a href="/messages/${m.id}">JSON</a></p>
<pre>${escapeHtml(m.text ?? "(no text part)")}</pre></article>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tollgate mail sink</title>
<style>body{font:14px system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}article{border-top:1px solid #ccc}</style></head>
<body><h1>Tollgate mail sink</h1><p>${total} mail(s) kept, newest first. JSON: <a href="/messages">/messages</a> (<code>?to=&lt;address&gt;</code>, <code>&amp;limit=</code>); <code>DELETE /messages</code> forgets them.</p>
${items || "<p>No mail yet.</p>"}</body></html>`;
}

/**
 * The sink's HTTP API, for tests and developers:
 * - `GET /messages?to=<address>&limit=<n>` → 200 `{ messages: SunkMessage[] }`, newest first
 *   (`to` matches an envelope recipient or a `To` address, case-insensitively; `limit` 1–1000);
 *   422 `VALIDATION_ERROR` for a bad `limit`.
 * - `GET /messages/{id}` → 200 the message, 404 `MESSAGE_NOT_FOUND`.
 * - `DELETE /messages` → 204, every mail forgotten.
 * - `GET /` → an HTML page of the newest 50 mails; `GET /health/live`, `GET /health/ready` → 200.
 * Anything else: 404 `NOT_FOUND`, or 405 `METHOD_NOT_ALLOWED` with `Allow`, in the standard
 * error body.
 */
export function mailSinkHttpApi(store: MessageStore): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://mail-sink.invalid");
    } catch {
      sendError(res, requestId, 400, "BAD_REQUEST", "the request target is not a valid path");
      return;
    }
    const method = req.method ?? "GET";
    const allow = (methods: string[]): boolean => {
      if (methods.includes(method) || (method === "HEAD" && methods.includes("GET"))) return true;
      sendError(res, requestId, 405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${url.pathname}`, { allow: methods.join(", ") });
      return false;
    };

    if (url.pathname === "/health/live" || url.pathname === "/health/ready") {
      if (allow(["GET"])) sendJson(res, requestId, url.pathname === "/health/live" ? { status: "ok" } : { status: "ready", checks: { smtp: "ok" } });
      return;
    }
    if (url.pathname === "/") {
      if (!allow(["GET"])) return;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-request-id": requestId });
      res.end(indexPage(store.list({ limit: 50 }), store.size));
      return;
    }
    if (url.pathname === "/messages") {
      if (!allow(["GET", "DELETE"])) return;
      if (method === "DELETE") {
        store.clear();
        res.writeHead(204, { "x-request-id": requestId });
        res.end();
        return;
      }
      const limitText = url.searchParams.get("limit");
      const limit = limitText === null ? undefined : Number(limitText);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) {
        sendError(res, requestId, 422, "VALIDATION_ERROR", `limit must be an integer from 1 to ${MAX_LIMIT}`);
        return;
      }
      sendJson(res, requestId, { messages: store.list({ to: url.searchParams.get("to") ?? undefined, limit }) });
      return;
    }
    const single = MESSAGE_PATH.exec(url.pathname);
    if (single?.[1] !== undefined) {
      if (!allow(["GET"])) return;
      let id: string;
      try {
        id = decodeURIComponent(single[1]);
      } catch {
        sendError(res, requestId, 400, "BAD_REQUEST", "the message id is not valid percent-encoding");
        return;
      }
      const message = store.get(id);
      if (message) sendJson(res, requestId, message);
      else sendError(res, requestId, 404, "MESSAGE_NOT_FOUND", "no such message (the sink keeps only the newest ones, and forgets all on DELETE /messages)");
      return;
    }
    sendError(res, requestId, 404, "NOT_FOUND", `nothing at ${url.pathname}; mails are at /messages`);
  };
}
