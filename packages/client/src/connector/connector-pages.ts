import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { ConnectorEndReason } from "./access-watch";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ConnectorPage {
  status: number;
  title: string;
  text: string;
  advice: string;
}

const ENDED: Record<ConnectorEndReason, Pick<ConnectorPage, "title" | "text">> = {
  revoked: { title: "Your access was revoked", text: "The access token this connector uses was revoked." },
  expired: { title: "Your access has ended", text: "The access token this connector uses has expired: its time is up." },
  invalid: { title: "Your access has ended", text: "The access token this connector uses is no longer valid." },
  closed: { title: "The connector has stopped", text: "This connector was stopped." },
};

/** What the connector answers once access has ended: 401, and what to do next. */
export const endedPage = (reason: ConnectorEndReason): ConnectorPage => ({
  status: 401,
  ...ENDED[reason],
  advice:
    reason === "closed"
      ? "Start it again with tollgate connect."
      : "Buy a new token (tollgate buy <hours>) or pick another one, then run tollgate connect again and open the address it prints.",
});

export const misdirectedPage = (): ConnectorPage => ({
  status: 421,
  title: "Not this connector's address",
  text: "This connector answers only at the address it printed (127.0.0.1 or localhost and its port).",
  advice: "Open the address `tollgate connect` printed.",
});

export const crossSitePage = (): ConnectorPage => ({
  status: 403,
  title: "Request from another site refused",
  text: "Another web site tried to use your access through this connector.",
  advice: "Open the application from the address `tollgate connect` printed.",
});

export const unreachablePage = (): ConnectorPage => ({
  status: 502,
  title: "Tollgate is unreachable",
  text: "The connector could not reach the Tollgate gateway.",
  advice: "Check your network connection and try again in a moment.",
});

function render(page: ConnectorPage): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(page.title)} · Tollgate connector</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:10vh auto;padding:0 1rem;color:#222}small{color:#666}</style></head>
<body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.text)}</p><p>${escapeHtml(page.advice)}</p>
<p><small>Tollgate connector · status ${page.status}</small></p></body></html>
`;
}

const HEADERS = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'" };

/** The connector's own answer to a request, instead of forwarding it. */
export function writePage(res: ServerResponse, page: ConnectorPage): void {
  const body = render(page);
  res.writeHead(page.status, { ...HEADERS, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** The same answer to a WebSocket upgrade, on the raw socket (RFC 6455 §4.2.2: any non-101 status refuses it). */
export function refuseUpgrade(socket: Duplex, page: ConnectorPage): void {
  const body = render(page);
  const head = Object.entries({ ...HEADERS, "Content-Length": String(Buffer.byteLength(body)), Connection: "close" })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${page.status} ${page.title}\r\n${head}\r\n${body}`);
}
