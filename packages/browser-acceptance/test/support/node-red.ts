import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, waitFor } from "@tollgate/test-harness";

export interface NodeRed {
  /** Where Node-RED itself listens, e.g. http://127.0.0.1:41234 (the test's direct line to it). */
  url: string;
  userDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Node-RED's CLI entry in the npm package (`node-red` is this package's dev dependency). */
const redJs = () => path.join(path.dirname(require.resolve("node-red/package.json")), "red.js");

/**
 * Node-RED from npm as a child process on a free 127.0.0.1 port, with a fresh userDir and the
 * settings of test/support/node-red.settings.cjs (no login, no network of its own). Resolves once
 * its admin API answers, so its flows are loaded.
 */
export async function startNodeRed(): Promise<NodeRed> {
  const userDir = mkdtempSync(path.join(tmpdir(), "tollgate-node-red-"));
  const port = await freePort();
  const logFile = path.join(userDir, "node-red.log");
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    [redJs(), "--settings", path.join(__dirname, "node-red.settings.cjs"), "--userDir", userDir, "--port", String(port)],
    // HOME inside userDir: nothing of the person running the test is read or written.
    { env: { PATH: process.env.PATH ?? "", HOME: userDir, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      await exited;
    }
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}; see ${logFile}`);
        const res = await fetch(`${url}/flows`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `Node-RED to answer on ${url} (log: ${logFile})` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, userDir, logFile, stop };
}
