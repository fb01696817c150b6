import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./dedicated-kafka";
import { waitForPort } from "./local-infra";

export interface DedicatedRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Shuts the server down (its clients see the connection close); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted); resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers, as with a hung server or a silent network. */
  freeze(): void;
  /** SIGCONT: answers what was asked while frozen, then carries on. */
  thaw(): void;
  /** SIGKILL, frozen or not: the connections drop and replies still owed are never sent. Resolves once it has exited. */
  crash(): Promise<void>;
  /** Stops it for good and deletes its folder. */
  dispose(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free port, for outage tests: stopping or freezing it
 * disturbs nothing else on the machine (the shared Redis on 6379, other test files, a local stack).
 * Nothing is saved: a restart comes back empty, as a Redis without persistence does.
 */
export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-redis-"));
  const port = await freePort();
  let server: ChildProcess | undefined;
  let frozen = false;
  // A test process that dies without dispose() must not leave the server behind.
  const killOnExit = () => server?.kill("SIGKILL");
  process.once("exit", killOnExit);

  const start = async () => {
    if (server) return;
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--loglevel", "warning"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    server = child;
    child.once("exit", () => {
      if (server === child) server = undefined;
    });
    await waitForPort(port, 10_000, "the dedicated Redis");
  };
  const stop = async () => {
    const child = server;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // A stopped process keeps its SIGTERM pending until it is continued.
    if (frozen) thaw();
    child.kill("SIGTERM");
    const cutOff = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(cutOff);
  };
  const crash = async () => {
    const child = server;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    frozen = false;
    await exited;
  };
  const freeze = () => {
    if (!server) throw new Error("the dedicated Redis is not running");
    server.kill("SIGSTOP");
    frozen = true;
  };
  const thaw = () => {
    server?.kill("SIGCONT");
    frozen = false;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    freeze,
    thaw,
    crash,
    dispose: async () => {
      await stop();
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
