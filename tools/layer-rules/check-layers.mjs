#!/usr/bin/env node
/**
 * Checks the layer rules of .dependency-cruiser.cjs over every workspace: `npm run lint` runs it.
 *
 * Why not the `depcruise` command: dependency-cruiser 18's command line refuses to start on
 * Node 20 (its engines field says ^22), and Node 20 is a version this repository supports. The
 * library API that command wraps (`cruise`, `format`) runs on Node 20, so this script calls it.
 *
 *   node tools/layer-rules/check-layers.mjs            # every workspace's src/, test/, bench/, ...
 *   node tools/layer-rules/check-layers.mjs services/auth/src
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, format } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

export const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../../..");

/** Folders of a workspace that hold no code of ours: build output, installed modules, reports. */
const NOT_SOURCE = new Set(["dist", "node_modules", "coverage", ".turbo"]);

/**
 * What to cruise under `baseDir`: each workspace's own folders (src, test, bench, ...). Build
 * output is left out here rather than excluded in the config, so that an import that resolves
 * into another workspace's dist/ (a package importing a service by name) still shows up.
 */
export function workspaceSources(baseDir) {
  const sources = [];
  for (const group of ["packages", "services"]) {
    const groupDir = join(baseDir, group);
    if (!existsSync(groupDir)) continue;
    for (const workspace of readdirSync(groupDir, { withFileTypes: true })) {
      if (!workspace.isDirectory()) continue;
      for (const entry of readdirSync(join(groupDir, workspace.name), { withFileTypes: true })) {
        if (entry.isDirectory() && !NOT_SOURCE.has(entry.name)) sources.push(`${group}/${workspace.name}/${entry.name}`);
      }
    }
  }
  return sources.sort();
}

/**
 * Runs the rules of `configFile` over `paths` (relative to `baseDir`, default: every workspace).
 * Returns the violations and the report dependency-cruiser's `err` format prints.
 */
export async function checkLayers({ baseDir = repositoryRoot, paths, configFile = join(repositoryRoot, ".dependency-cruiser.cjs") } = {}) {
  const options = await extractDepcruiseOptions(configFile);
  const tsConfigFile = resolve(repositoryRoot, options.tsConfig?.fileName ?? "tsconfig.base.json");
  const { output } = await cruise(
    paths ?? workspaceSources(baseDir),
    { ...options, baseDir, tsConfig: { fileName: tsConfigFile } },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const { output: report, exitCode } = await format(output, { outputType: "err" });
  return { violations: output.summary.violations, report, exitCode };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = process.argv.slice(2);
  const { exitCode, report } = await checkLayers({ paths: paths.length > 0 ? paths.map((p) => relative(repositoryRoot, resolve(p))) : undefined });
  process.stdout.write(report);
  process.exitCode = exitCode === 0 ? 0 : 1;
}
