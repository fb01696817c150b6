import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./dedicated-kafka";
import { waitForPort } from "./local-infra";

export interface DedicatedPostgres {
  /** postgres://postgres@127.0.0.1:<port>, without a database (as `testInfra().postgresUrl`). */
  url: string;
  port: number;
  /** A database's connection string on this server (services create theirs on start). */
  databaseUrl(database: string): string;
  /** Fast shutdown: open sessions are ended (57P01), new connections refused. */
  stop(): Promise<void>;
  /** Starts it again with its data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and deletes the cluster. */
  dispose(): Promise<void>;
}

/** The newest installed server's binaries (initdb, pg_ctl), e.g. /usr/lib/postgresql/15/bin. */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((version) => path.join(root, version, "bin")).find((dir) => existsSync(path.join(dir, "initdb")));
  if (!bin) throw new Error(`no Postgres server binaries (initdb) under ${root}`);
  return bin;
}

/**
 * A throwaway Postgres cluster of the test's own (initdb into a temp folder, trust auth, a free
 * port), for outage tests: stopping it disturbs nothing else on the machine (the shared Postgres
 * on 5432, other test files, a local stack). initdb and the server refuse to run as root, so as
 * root they run as the `postgres` user in a folder it owns.
 */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-postgres-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim()));
    chownSync(dir, uid as number, gid as number);
  }
  const run = (program: string, args: string[]) => {
    const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]] : [path.join(bin, program), args];
    execFileSync(command as string, argv as string[], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  };
  const data = path.join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions"]);
  // fsync off: a test cluster's data does not need to survive a machine crash.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = async () => {
    run("pg_ctl", ["-D", data, "-o", serverOptions, "-l", path.join(dir, "server.log"), "-w", "-t", "30", "start"]);
    await waitForPort(port, 10_000, "the dedicated Postgres");
  };
  const stop = async () => {
    if (!existsSync(path.join(data, "postmaster.pid"))) return;
    run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  };
  await start();
  // A test process that dies without dispose() must not leave the server behind (pg_ctl detaches it).
  const stopOnExit = () => {
    if (existsSync(path.join(data, "postmaster.pid"))) run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  };
  process.once("exit", stopOnExit);
  const url = `postgres://postgres@127.0.0.1:${port}`;
  return {
    url,
    port,
    databaseUrl: (database) => `${url}/${database}`,
    stop,
    start,
    dispose: async () => {
      process.off("exit", stopOnExit);
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
