/** Processes and sockets of bench/game.ts: the servers run as its children, one at a time. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { WebSocket } from "ws";

const root = path.resolve(__dirname, "..");

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process, in KB, from /proc. */
export const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);

/** Starts `node --import tsx <args>` in the package; resolves once `isReady` says so (60 s at most). */
export async function startChild(args: string[], env: Record<string, string>, isReady: (output: string) => Promise<boolean>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_CHILD_FLAGS ?? "").split(" ").filter(Boolean), "--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let exited: number | null | undefined;
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.once("exit", (code) => (exited = code));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if (exited !== undefined) throw new Error(`${args.join(" ")} exited with ${exited}:\n${output}`);
    if (await isReady(output).catch(() => false)) return child;
  }
  child.kill("SIGKILL");
  throw new Error(`${args.join(" ")} did not become ready:\n${output}`);
}

/** SIGTERM, and resolves once the child has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

export function open(url: string, token?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** `make(0…count-1)`, `size` at a time. */
export async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))));
  return out;
}

/**
 * Memory per idle connection: the server's RSS before and 5 s after `count` connections opened
 * (on a freshly started process, so a heap grown by games does not hide the cost). Returns KB per
 * connection and closes them.
 */
export async function idleCost(name: string, pid: number, count: number, connect: (i: number) => Promise<{ isOpen(): boolean; close(): void }>): Promise<number> {
  await sleep(3_000);
  const before = rssKb(pid);
  const idle = await inBatches(count, 200, connect);
  await sleep(5_000);
  const after = rssKb(pid);
  const opened = idle.filter((connection) => connection.isOpen()).length;
  const perConnection = (after - before) / opened;
  process.stdout.write(`${name}, idle: ${opened} connections open; RSS ${(before / 1024).toFixed(0)} MB → ${(after / 1024).toFixed(0)} MB = ${perConnection.toFixed(2)} KB per idle connection\n`);
  for (const connection of idle) connection.close();
  await sleep(3_000);
  return perConnection;
}
