import type { IncomingMessage, ServerResponse } from "node:http";
import { proxyErrorCodes, tokenErrorCodes } from "@tollgate/contracts";
import { writeErrorResponse, type AppError } from "@tollgate/service-kit";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a person reads, by error code: what happened, and what to do next. */
const PAGES: Record<string, { title: string; advice: string }> = {
  [tokenErrorCodes.TOKEN_MISSING]: { title: "Sign-in needed", advice: "Open this application from your Tollgate client: run tollgate connect, or use a launch link." },
  [proxyErrorCodes.APP_SESSION_INVALID]: { title: "Sign-in needed", advice: "Open this application from your Tollgate client: run tollgate connect, or use a launch link." },
  [proxyErrorCodes.LAUNCH_TICKET_INVALID]: { title: "This link has been used", advice: "A launch link works once, within a minute. Open the application again from your Tollgate client." },
  [tokenErrorCodes.TOKEN_EXPIRED]: { title: "Your access has ended", advice: "The access token's time is up. Buy a new token (tollgate buy) or pick another one, then open the application again." },
  [tokenErrorCodes.TOKEN_REVOKED]: { title: "Your access was revoked", advice: "This access token was revoked. Buy a new token (tollgate buy) or pick another one, then open the application again." },
  [tokenErrorCodes.TOKEN_INVALID]: { title: "This access token is not valid", advice: "Check the token, or buy a new one (tollgate buy), then open the application again." },
};

function pageFor(error: AppError): { title: string; advice: string } {
  const known = PAGES[error.errorCode];
  if (known) return known;
  if (error.statusCode === 503) {
    const seconds = Number(error.headers["Retry-After"] ?? 5);
    return { title: "Temporarily unavailable", advice: `The application cannot be reached right now. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.` };
  }
  return { title: "Request refused", advice: error.detail };
}

/** Whether the client is a browser navigating (RFC 9110 §12.5.1 Accept): it gets a page, not JSON. */
export function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return typeof accept === "string" && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

/** The refusal as a small page: the same status and headers as the JSON body, and the request id. */
export function writeErrorPage(res: ServerResponse, error: AppError, requestId: string): void {
  const step = pageFor(error);
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(step.title)} · Tollgate</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:10vh auto;padding:0 1rem;color:#222}code{background:#f2f2f2;padding:0 .2em}small{color:#666}</style></head>
<body><h1>${escapeHtml(step.title)}</h1><p>${escapeHtml(step.advice)}</p>
<p><small>Status ${error.statusCode} · <code>${escapeHtml(error.errorCode)}</code> · request id <code>${escapeHtml(requestId)}</code></small></p></body></html>
`;
  res.writeHead(error.statusCode, {
    ...error.headers,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(body);
}

/** Browsers get the page, API clients the standard JSON body. */
export function writeProxyError(req: IncomingMessage, res: ServerResponse, error: AppError): void {
  if (wantsHtml(req)) writeErrorPage(res, error, String(res.getHeader("X-Request-Id") ?? req.headers["x-request-id"] ?? ""));
  else writeErrorResponse(res, error);
}
