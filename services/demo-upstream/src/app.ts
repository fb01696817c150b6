import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import express, { type Express } from "express";

/**
 * A stand-in for the application Tollgate sells access to. Its pages use absolute and root-relative
 * URLs on purpose, so the proxy's rewriting has something to do.
 */
export function createDemoApp(publicUrl: () => string): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/", (_req, res) => {
    const base = publicUrl();
    res.type("html").send(`<!doctype html>
<html>
<head>
  <title>Demo upstream</title>
  <link rel="stylesheet" href="/static/site.css">
  <script src="${base}/static/app.js"></script>
</head>
<body>
  <h1>Demo upstream</h1>
  <a id="absolute" href="${base}/page/about">About (absolute)</a>
  <a id="relative" href="/page/contact">Contact (root-relative)</a>
  <a id="external" href="https://example.org/elsewhere">Elsewhere (external)</a>
  <img id="logo" src="/static/logo.svg" alt="logo">
  <form id="form" action="/api/submit" method="post"></form>
</body>
</html>`);
  });

  app.get("/static/site.css", (_req, res) => {
    res.type("css").send(`body { background: url("/static/bg.svg"); }\n.logo { background-image: url(${publicUrl()}/static/logo.svg); }\n`);
  });

  app.get("/static/app.js", (_req, res) => {
    res.type("application/javascript").send(`const API = "${publicUrl()}/api/data";\nfetch("/api/data").then((r) => r.json());\n`);
  });

  app.get("/static/logo.svg", (_req, res) => {
    res.type("image/svg+xml").send('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
  });

  app.get("/api/data", (_req, res) => {
    res.json({ self: `${publicUrl()}/api/data`, next: "/api/data?page=2", items: [1, 2, 3] });
  });

  app.get("/gzip", (_req, res) => {
    const html = `<html><body><a id="gz" href="${publicUrl()}/page/zipped">zipped</a></body></html>`;
    res.set({ "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" }).send(gzipSync(html));
  });

  app.get("/redirect", (_req, res) => {
    res.redirect(302, `${publicUrl()}/page/landing`);
  });

  app.get("/cookie", (_req, res) => {
    res.cookie("demo_session", "abc123", { path: "/", httpOnly: true, domain: new URL(publicUrl()).hostname });
    res.json({ ok: true });
  });

  /** Echoes what reached the upstream: the proxy's tests read the forwarded headers here. */
  app.all("/headers", (req, res) => {
    res.json({ method: req.method, url: req.url, headers: req.headers });
  });

  /** Reads the whole request body and says what arrived: the proxy's tests check bodies pass intact. */
  app.all("/echo", async (req, res) => {
    const hash = createHash("sha256");
    let bytes = 0;
    for await (const chunk of req) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    res.json({ method: req.method, bytes, sha256: hash.digest("hex"), content_length: req.headers["content-length"] ?? null, transfer_encoding: req.headers["transfer-encoding"] ?? null });
  });

  /** Answers after `ms` milliseconds (at most 30 s), for timeout tests. */
  app.get("/slow", (req, res) => {
    const ms = Math.min(Number(req.query.ms) || 0, 30_000);
    setTimeout(() => res.json({ waited_ms: ms }), ms);
  });

  app.get("/page/:name", (req, res) => {
    res.type("html").send(`<html><body><h1>${req.params.name.replace(/[^a-z0-9-]/gi, "")}</h1></body></html>`);
  });

  app.get("/bytes/:size", (req, res) => {
    const size = Math.min(Number(req.params.size) || 0, 10 * 1024 * 1024);
    res.type("application/octet-stream").send(Buffer.alloc(size, 97));
  });

  // The same probes as every Tollgate process, so the local stack and orchestrators can wait on it.
  app.get(["/health", "/health/live", "/health/ready"], (_req, res) => {
    res.json({ status: "ok" });
  });

  return app;
}
