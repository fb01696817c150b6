import { randomBytes } from "node:crypto";
import { prepareRun } from "./config";
import { ensureLocalInfra } from "./local-infra";

/**
 * Jest global setup: makes sure real Postgres, Redis and Kafka answer before any test runs, and
 * gives this run an id that test files use to make their topic names, groups and keys unique.
 * Variables set here reach the test workers, which start after it.
 */
export default async function globalSetup(): Promise<void> {
  if (prepareRun(`r${Date.now().toString(36)}${randomBytes(3).toString("hex")}`) === "containers") {
    // Loaded only in this mode: the container libraries are heavy and need a Docker engine.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startContainers } = require("./containers-infra") as typeof import("./containers-infra");
    const stop = await startContainers();
    (globalThis as { __tollgateStopContainers?: () => Promise<void> }).__tollgateStopContainers = stop;
    return;
  }
  await ensureLocalInfra();
}
