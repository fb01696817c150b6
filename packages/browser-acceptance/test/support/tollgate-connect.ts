import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, waitFor } from "@tollgate/test-harness";

export interface TollgateConnect {
  /** The address the CLI printed for the browser, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** Its fresh TOLLGATE_HOME (and HOME); `connect.log` there holds everything it printed. */
  home: string;
  logFile: string;
  stdout(): string;
  stderr(): string;
  /** Its exit code once it has exited (null when a signal ended it); rejects after `timeoutMs`. */
  exit(timeoutMs: number): Promise<number | null>;
  /** Ctrl-C (SIGINT; SIGKILL 10 s later), unless it has exited already. */
  stop(): Promise<void>;
}

/** The CLI as a person runs it, from the client package's build. */
const CLI = path.join(repoRoot(), "packages", "client", "dist", "cli", "main.js");
/** The line `tollgate connect` prints once it listens. */
const READY_LINE = /^Open (http:\/\/127\.0\.0\.1:\d+\/) in your browser \(Ctrl-C to stop\)$/m;

/**
 * `tollgate connect --port 0 --token <token>` as a child process on pipes, against `gatewayUrl`,
 * with a fresh TOLLGATE_HOME. Resolves once it has printed the address to open.
 */
export async function startTollgateConnect(options: { gatewayUrl: string; token: string }): Promise<TollgateConnect> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx turbo run build first`);
  const home = mkdtempSync(path.join(tmpdir(), "tollgate-connect-"));
  const logFile = path.join(home, "connect.log");
  const log = createWriteStream(logFile);
  // Nothing of the person running the test: no credentials file, no remembered tokens, no proxy variables.
  const env = { PATH: process.env.PATH ?? "", HOME: home, TOLLGATE_HOME: home, TOLLGATE_URL: options.gatewayUrl };
  const child = spawn(process.execPath, [CLI, "connect", "--port", "0", "--token", options.token], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    log.write(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    log.write(chunk);
  });
  let exitCode: { code: number | null } | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exitCode = { code };
      log.end();
      resolve();
    }),
  );

  const exit = async (timeoutMs: number) => (await waitFor(() => exitCode, { timeoutMs, what: `tollgate connect to exit (it printed: ${stdout}${stderr})` })).code;
  const stop = async () => {
    if (exitCode) return;
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    await exited;
  };

  try {
    const url = await waitFor(
      () => {
        if (exitCode) throw new Error(`tollgate connect exited with ${exitCode.code} before listening: ${stdout}${stderr}`);
        return READY_LINE.exec(stdout)?.[1];
      },
      { timeoutMs: 30_000, what: `tollgate connect to print its address (log: ${logFile})` },
    );
    return { url, home, logFile, stdout: () => stdout, stderr: () => stderr, exit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
