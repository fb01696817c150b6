/**
 * Makes an upstream's responses work through the proxy prefix: absolute upstream URLs and
 * root-relative URLs point into `/api/v1/proxy/`. Text only (HTML, CSS, JavaScript, JSON); the
 * caller decides what to buffer and what to stream untouched.
 */
export interface RewriteContext {
  /** e.g. http://127.0.0.1:3999 */
  upstreamOrigin: string;
  /** e.g. /api/v1/proxy */
  prefix: string;
}

export type RewritableKind = "html" | "css" | "js" | "json";

export function rewritableKind(contentType: string | undefined): RewritableKind | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (type === "text/css") return "css";
  if (type === "application/javascript" || type === "text/javascript" || type === "application/ecmascript") return "js";
  if (type === "application/json" || type.endsWith("+json")) return "json";
  return undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Maps one URL; anything not ours (other hosts, data:, fragments, relative paths) is left alone. */
export function rewriteUrl(url: string, ctx: RewriteContext): string {
  const origin = ctx.upstreamOrigin.replace(/\/$/, "");
  const host = origin.replace(/^https?:/, "");
  if (url.startsWith(origin)) return `${ctx.prefix}${url.slice(origin.length) || "/"}`;
  if (url.startsWith(host + "/") || url === host) return `${ctx.prefix}${url.slice(host.length) || "/"}`;
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith(`${ctx.prefix}/`) && url !== ctx.prefix) return `${ctx.prefix}${url}`;
  return url;
}

function absoluteUrls(text: string, ctx: RewriteContext): string {
  const origin = ctx.upstreamOrigin.replace(/\/$/, "");
  const pattern = new RegExp(`(?:${escapeRegExp(origin)}|${escapeRegExp(origin.replace(/^https?:/, ""))})(?=[/"'\`)\\s?#]|$)`, "g");
  return text.replace(pattern, ctx.prefix);
}

const HTML_URL_ATTRIBUTE = /(\s(?:href|src|action|formaction|poster|data|srcset|background)\s*=\s*)(["'])([^"']*)\2/gi;
const CSS_URL = /url\(\s*(["']?)([^"')]+)\1\s*\)/gi;
const JS_ROOT_STRING = /(["'`])(\/(?!\/)[^"'`\s]*)\1/g;

export function rewriteCss(css: string, ctx: RewriteContext): string {
  return absoluteUrls(css, ctx).replace(CSS_URL, (_all, quote: string, url: string) => `url(${quote}${rewriteUrl(url, ctx)}${quote})`);
}

export function rewriteJs(js: string, ctx: RewriteContext): string {
  return absoluteUrls(js, ctx).replace(JS_ROOT_STRING, (all, quote: string, url: string) => {
    const rewritten = rewriteUrl(url, ctx);
    return rewritten === url ? all : `${quote}${rewritten}${quote}`;
  });
}

export function rewriteJson(text: string, ctx: RewriteContext): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return absoluteUrls(text, ctx);
  }
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return rewriteUrl(node, ctx);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    return node;
  };
  return JSON.stringify(walk(value));
}

/**
 * Routes the page's own root-relative fetch, XMLHttpRequest and WebSocket calls through the
 * prefix. It carries only the prefix: the upstream's internal address never reaches the client.
 */
export function clientShim(ctx: RewriteContext): string {
  const prefix = JSON.stringify(ctx.prefix);
  return `<script data-tollgate-shim>(function(){var p=${prefix};function m(u){if(typeof u==="string"&&u.charAt(0)==="/"&&u.charAt(1)!=="/"&&u.indexOf(p+"/")!==0)return p+u;return u}var f=window.fetch;if(f)window.fetch=function(i,n){return f.call(this,m(i),n)};var x=XMLHttpRequest.prototype.open;XMLHttpRequest.prototype.open=function(){arguments[1]=m(arguments[1]);return x.apply(this,arguments)};var W=window.WebSocket;if(W){var S=function(u,q){u=m(u);if(typeof u==="string"&&u.charAt(0)==="/")u=location.origin.replace(/^http/,"ws")+u;return q===undefined?new W(u):new W(u,q)};S.prototype=W.prototype;S.CONNECTING=0;S.OPEN=1;S.CLOSING=2;S.CLOSED=3;window.WebSocket=S}})();</script>`;
}

export function rewriteHtml(html: string, ctx: RewriteContext): string {
  const attributes = absoluteUrls(html, ctx).replace(HTML_URL_ATTRIBUTE, (_all, lead: string, quote: string, url: string) => {
    const value = /srcset/i.test(lead) ? url.split(",").map((part) => part.trim().replace(/^\S+/, (u) => rewriteUrl(u, ctx))).join(", ") : rewriteUrl(url, ctx);
    return `${lead}${quote}${value}${quote}`;
  });
  const withStyles = attributes.replace(/(<style[^>]*>)([\s\S]*?)(<\/style>)/gi, (_all, open: string, css: string, close: string) => `${open}${rewriteCss(css, ctx)}${close}`);
  const shim = clientShim(ctx);
  return /<head[^>]*>/i.test(withStyles) ? withStyles.replace(/<head[^>]*>/i, (head) => `${head}${shim}`) : `${shim}${withStyles}`;
}

export function rewriteBody(kind: RewritableKind, text: string, ctx: RewriteContext): string {
  switch (kind) {
    case "html":
      return rewriteHtml(text, ctx);
    case "css":
      return rewriteCss(text, ctx);
    case "js":
      return rewriteJs(text, ctx);
    case "json":
      return rewriteJson(text, ctx);
  }
}

/** `Set-Cookie`: the cookie belongs to the proxy's host now, and to the prefixed path. */
export function rewriteSetCookie(cookie: string, ctx: RewriteContext): string {
  return cookie
    .split(";")
    .map((part) => part.trim())
    .filter((part) => !/^domain=/i.test(part))
    .map((part) => (/^path=/i.test(part) ? `Path=${rewriteUrl(part.slice(5) || "/", ctx)}` : part))
    .join("; ");
}

/** `Refresh: 5; url=/next` */
export function rewriteRefresh(value: string, ctx: RewriteContext): string {
  return value.replace(/(url\s*=\s*)(\S+)/i, (_all, lead: string, url: string) => `${lead}${rewriteUrl(url, ctx)}`);
}
