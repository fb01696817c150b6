import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { childEnv } from "./config";
import { kafkaScript } from "./local-infra";

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface DedicatedKafka {
  brokers: string[];
  stop(): void;
  start(): void;
  /** Stops the broker and deletes its data. */
  dispose(): void;
}

/**
 * A broker of the test's own, on free ports with its own data folder, for outage tests: stopping
 * it disturbs nothing else on the machine (other test files, a running local stack).
 */
export async function startDedicatedKafka(): Promise<DedicatedKafka> {
  const home = mkdtempSync(path.join(tmpdir(), "tollgate-kafka-"));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const env = childEnv({ KAFKA_HOME_DIR: home, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_HEAP_OPTS: "-Xms128m -Xmx384m" });
  const kafka = (command: "start" | "stop") => execFileSync("bash", [kafkaScript(), command], { env, stdio: ["ignore", "inherit", "inherit"] });
  kafka("start");
  return {
    brokers: [`127.0.0.1:${port}`],
    stop: () => kafka("stop"),
    start: () => kafka("start"),
    dispose: () => {
      kafka("stop");
      rmSync(home, { recursive: true, force: true });
    },
  };
}
