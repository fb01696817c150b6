// Renders nginx.conf.template into the gateway's state folder: every ${NAME} must be set in the
// environment, or rendering stops naming the missing variables.
//   node infra/gateway/render.mjs <output-dir>
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: render.mjs <output-dir>");
  process.exit(2);
}
const env = { GATEWAY_CONF_DIR: path.resolve(outDir), GATEWAY_STATE_DIR: path.resolve(outDir), ...process.env };
const template = readFileSync(path.join(here, "nginx.conf.template"), "utf8");
const missing = new Set();
const rendered = template.replace(/\$\{([A-Z0-9_]+)\}/g, (_all, name) => {
  if (env[name] === undefined || env[name] === "") missing.add(name);
  return env[name] ?? "";
});
if (missing.size > 0) {
  console.error(`gateway: missing variables: ${[...missing].join(", ")}`);
  process.exit(78);
}
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "nginx.conf"), rendered);
copyFileSync(path.join(here, "docs.html"), path.join(outDir, "docs.html"));
