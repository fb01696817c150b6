// Renders nginx.conf.template into the gateway's folder, beside error-pages.conf and docs.html:
// every ${NAME} must be set in the environment, or rendering stops naming the missing variables.
// GATEWAY_CORS_ORIGINS is the one list that may be set empty (no browser origin allowed); the
// placeholders GATEWAY_CORS_ORIGIN_MAP and GATEWAY_CORS_VARY are derived from it here.
//   node infra/gateway/render.mjs <output-dir>
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
if (!outDir) {
  console.error("usage: render.mjs <output-dir>");
  process.exit(2);
}
const fail = (message) => {
  console.error(`gateway: ${message}`);
  process.exit(78);
};
const MAY_BE_EMPTY = new Set(["GATEWAY_CORS_ORIGINS"]);

/**
 * Browsers send Origin serialised as scheme://host[:port] (RFC 6454 section 6.1: lower-case host,
 * no default port, no path), and the map compares bytes: a configured value in any other form
 * would never match, so it is refused with the form to write instead.
 */
function corsOrigins(list) {
  const origins = list.split(",").map((entry) => entry.trim()).filter(Boolean);
  for (const origin of origins) {
    let serialised;
    try {
      serialised = new URL(origin).origin;
    } catch {
      serialised = "null";
    }
    if (serialised === "null" || !/^https?:\/\//.test(serialised)) fail(`GATEWAY_CORS_ORIGINS: "${origin}" is not an http(s) origin`);
    if (serialised !== origin) fail(`GATEWAY_CORS_ORIGINS: write "${origin}" as a browser sends it: "${serialised}"`);
  }
  return origins;
}

const env = { GATEWAY_CONF_DIR: outDir, GATEWAY_STATE_DIR: outDir, ...process.env };
const missing = new Set();
const value = (name) => {
  if (env[name] === undefined || (env[name] === "" && !MAY_BE_EMPTY.has(name))) missing.add(name);
  return env[name] ?? "";
};
// Set, even if empty: "no origin" is a decision, never the silent result of a forgotten variable.
if (env.GATEWAY_CORS_ORIGINS === undefined) missing.add("GATEWAY_CORS_ORIGINS");
const origins = corsOrigins(env.GATEWAY_CORS_ORIGINS ?? "");
const derived = {
  GATEWAY_CORS_ORIGIN_MAP: origins.length === 0 ? "# GATEWAY_CORS_ORIGINS is empty: no origin is allowed" : origins.map((origin) => `"${origin}" "${origin}";`).join("\n    "),
  GATEWAY_CORS_VARY: origins.length === 0 ? "" : "Origin",
};
// Both land inside quoted strings of the configuration: only their documented forms pass.
if (env.GATEWAY_HSTS && !/^max-age=\d+(; ?includeSubDomains)?(; ?preload)?$/.test(env.GATEWAY_HSTS)) {
  fail(`GATEWAY_HSTS: "${env.GATEWAY_HSTS}" is not max-age=<seconds>[; includeSubDomains][; preload] (RFC 6797 section 6.1)`);
}
if (env.GATEWAY_APP_HOST && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(env.GATEWAY_APP_HOST)) fail(`GATEWAY_APP_HOST: "${env.GATEWAY_APP_HOST}" is not a lower-case host name`);

const template = readFileSync(path.join(here, "nginx.conf.template"), "utf8");
const rendered = template.replace(/\$\{([A-Z0-9_]+)\}/g, (_all, name) => (name in derived ? derived[name] : value(name)));
if (missing.size > 0) fail(`missing variables: ${[...missing].join(", ")}`);

mkdirSync(outDir, { recursive: true });
// nginx's master reads the configuration as root, but its workers run unprivileged (the user
// directive's default, nobody) and must reach this folder: client bodies over
// client_body_buffer_size are written to client_body/, and /docs/ reads docs.html. A folder
// anywhere on the path that others cannot enter made those answer 500 and 404.
chmodSync(outDir, 0o755);
if (process.getuid?.() === 0) {
  for (let dir = outDir; ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) fail(`nginx's unprivileged workers cannot enter ${dir} (mode ${(statSync(dir).mode & 0o777).toString(8)}): chmod o+x it, or render elsewhere`);
    if (dir === path.dirname(dir)) break;
  }
}
writeFileSync(path.join(outDir, "nginx.conf"), rendered, { mode: 0o644 });
for (const file of ["error-pages.conf", "docs.html"]) {
  copyFileSync(path.join(here, file), path.join(outDir, file));
  chmodSync(path.join(outDir, file), 0o644);
}
