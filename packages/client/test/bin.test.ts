import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "@tollgate/test-harness";

const packageDir = path.join(__dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };

describe("the tollgate command npm links", () => {
  it("when npm installs the workspace (before any build), then the bin it links is a committed, executable file, and the lock file agrees", () => {
    const bin = manifest.bin.tollgate ?? "";
    expect(bin).toBe("bin/tollgate.js");
    // npm links what exists when it installs: a fresh clone has no dist/ then.
    const tracked = execFileSync("git", ["ls-files", "--stage", "--", bin], { cwd: packageDir, encoding: "utf8" });
    expect(tracked).toMatch(/^100755 /);
    expect(statSync(path.join(packageDir, bin)).mode & 0o111).not.toBe(0);
    // `npm ci` links bins from the lock file's copy of the manifest, not from package.json.
    const lock = JSON.parse(readFileSync(path.join(repoRoot(), "package-lock.json"), "utf8")) as { packages: Record<string, { bin?: Record<string, string> }> };
    expect(lock.packages["packages/client"]?.bin).toEqual(manifest.bin);
  });

  it("when the CLI has not been built, then tollgate says to run npm run build first and exits 1", () => {
    const copy = mkdtempSync(path.join(tmpdir(), "tollgate-unbuilt-"));
    mkdirSync(path.join(copy, "bin"));
    copyFileSync(path.join(packageDir, "bin", "tollgate.js"), path.join(copy, "bin", "tollgate.js"));
    const run = spawnSync(process.execPath, [path.join(copy, "bin", "tollgate.js"), "--version"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("run npm run build first");
    expect(run.stdout).toBe("");
  });

  it("when it is built, then the bin runs the CLI: --version prints the package's version", () => {
    const run = spawnSync(process.execPath, [path.join(packageDir, "bin", "tollgate.js"), "--version"], { encoding: "utf8" });
    if (run.stderr.includes("npm run build")) throw new Error("packages/client is not built: run npx turbo run build first");
    expect(run.stdout).toBe(`${manifest.version}\n`);
    expect(run.status).toBe(0);
  });
});
