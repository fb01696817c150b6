import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { repoRoot } from "./repo-root";

export function portOpen(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (Date.now() > deadline) throw new Error(`${what} did not open 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
}

export function kafkaScript(): string {
  return path.join(repoRoot(), "infra", "kafka", "kafka.sh");
}

/** Starts whatever of Postgres, Redis and Kafka is not answering on this machine. */
export async function ensureLocalInfra(): Promise<void> {
  if (!(await portOpen(5432))) {
    const [version] = readdirSync("/etc/postgresql");
    if (!version) throw new Error("Postgres is not running and no cluster exists under /etc/postgresql");
    run("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"]);
    await waitForPort(5432, 30_000, "Postgres");
  }
  if (!(await portOpen(6379))) {
    run("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no"]);
    await waitForPort(6379, 10_000, "Redis");
  }
  if (!(await portOpen(9092))) {
    run("bash", [kafkaScript(), "start"]);
  }
}
