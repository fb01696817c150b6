import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gatewaySettings } from "./gateway-settings";
import { repoRoot } from "./stack";

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface OwnGateway {
  url: string;
  port: number;
  /** Its folder: nginx.conf, the temp folders (client_body/), its access log. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * A second gateway, rendered from the same template with the local stack's settings and
 * `overrides`, in front of the services `npm start` runs: for what the shared gateway on 8080 must
 * not be made to do (other CORS origins, a dead upstream, an unwritable temp folder). Its logs go
 * to a syslog port nobody listens on, so the shared aggregator's metrics stay untouched.
 */
export async function startOwnGateway(overrides: Record<string, string> = {}): Promise<OwnGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-gateway-test-"));
  chmodSync(dir, 0o755);
  const tls = spawnSync("sh", [path.join(repoRoot, "infra/gateway/local-tls.sh"), path.join(dir, "tls"), "127.0.0.1", "localhost"], { encoding: "utf8" });
  if (tls.status !== 0) throw new Error(`local-tls.sh: ${tls.stderr}`);
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? "",
    ...gatewaySettings(),
    GATEWAY_LISTEN: `127.0.0.1:${port}`,
    GATEWAY_TLS_LISTEN: `127.0.0.1:${await freePort()}`,
    GATEWAY_STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
    GATEWAY_HEALTH_UPSTREAM: `127.0.0.1:${await freePort()}`,
    GATEWAY_TLS_CERT: path.join(dir, "tls", "server.crt"),
    GATEWAY_TLS_KEY: path.join(dir, "tls", "server.key"),
    GATEWAY_LOG_DIR: dir,
    ...overrides,
  };
  const render = spawnSync(process.execPath, [path.join(repoRoot, "infra/gateway/render.mjs"), path.join(dir, "conf")], { env, encoding: "utf8" });
  if (render.status !== 0) throw new Error(`render.mjs: ${render.stderr}`);
  const conf = path.join(dir, "conf");
  const nginx: ChildProcess = spawn("nginx", ["-p", conf, "-c", path.join(conf, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  nginx.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (nginx.exitCode !== null || nginx.signalCode !== null) return done();
      nginx.once("exit", done);
      nginx.kill("SIGTERM");
    });
  for (let i = 0; ; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(socket.end() !== undefined)).on("error", () => resolve(false));
    });
    if (open) break;
    if (i > 100 || nginx.exitCode !== null) {
      await stop();
      throw new Error(`the test gateway did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}`, port, dir: conf, stop };
}
