import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export const GATEWAY = "http://127.0.0.1:8080";
export const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");

/** Whether the gateway says every service behind it is ready. */
export async function stackIsReady(): Promise<boolean> {
  const res = await fetch(`${GATEWAY}/health`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
  return res?.status === 200;
}

/** `npm start` / `npm run stop`, as a person runs them (the npm scripts call this script). */
export function stack(command: "up" | "down"): void {
  execFileSync("bash", [path.join(repoRoot, "infra/local/stack.sh"), command], { cwd: repoRoot, stdio: "inherit", timeout: 10 * 60_000 });
}

/** The first ```sh block under a README heading, exactly as a reader copies it. */
export function readmeShellBlock(heading: string): string {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error(`no sh block under "${heading}" in README.md`);
  return match[1];
}
