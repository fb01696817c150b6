#!/usr/bin/env node
// The `tollgate` command npm links into node_modules/.bin. It is committed (not built) because npm
// links a package's bin when it installs it, before anything is built: a bin pointing into dist/
// was never linked on a fresh clone, and `npx tollgate` then answered "could not determine
// executable to run".
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS that node runs as it is */
const path = require("node:path");

const main = path.join(__dirname, "..", "dist", "cli", "main.js");
try {
  require.resolve(main);
} catch {
  process.stderr.write(`tollgate is not built yet (${path.relative(process.cwd(), main) || main} is missing): run npm run build first, in the repository's root.\n`);
  process.exit(1);
}
require(main);
