import { spawnSync } from "node:child_process";
import { readmeShellBlock, repoRoot } from "./support/stack";

function runShell(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("bash", ["-c", script], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the README walkthrough, run as written", () => {
  const walkthrough = readmeShellBlock("## Walkthrough: from `npm start` to a proxied request");

  it("when its commands run in order against the stack, then each succeeds: registered, the upstream sees the user, the token is active, a launch URL on the app origin", () => {
    const run = runShell(walkthrough);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(lines).toHaveLength(4);
    const [registered, headers, tokens, launch] = lines as [{ id: string; username: string }, { headers: Record<string, string> }, { status: string }[], { url: string; app_origin: string }];
    expect(registered.username).toMatch(/^ada-\d+$/);
    expect(headers.headers["x-user-id"]).toBe(registered.id);
    expect(headers.headers["x-token-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens.map((token) => token.status)).toEqual(["active"]);
    expect(launch.app_origin).toBe("http://app.localhost:8080");
    expect(launch.url).toMatch(/^http:\/\/app\.localhost:8080\/\.tollgate\/launch\?ticket=/);
  });

  it("when a step fails (a wrong password), then the walkthrough stops there and shows the error body, never a later step's confusing error", () => {
    const broken = walkthrough.replace(`"password":"a long passphrase here"}' | field access_token`, `"password":"not the password"}' | field access_token`);
    expect(broken).not.toBe(walkthrough);
    const run = runShell(broken);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('"error_code":"INVALID_CREDENTIALS"');
    expect(run.stdout).not.toContain("undefined");
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
  });
});
