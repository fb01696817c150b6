import { execFileSync } from "node:child_process";
import { kafkaScript } from "./local-infra";
import { testInfra } from "./infra-env";

/**
 * Stops and starts the test broker, for outage tests. Local mode drives infra/kafka/kafka.sh;
 * containers mode drives the container through the docker CLI.
 */
export const kafkaBroker = {
  stop(): void {
    if (testInfra().mode === "containers") {
      execFileSync("docker", ["stop", containerId()], { stdio: "inherit" });
    } else {
      execFileSync("bash", [kafkaScript(), "stop"], { stdio: "inherit" });
    }
  },
  start(): void {
    if (testInfra().mode === "containers") {
      execFileSync("docker", ["start", containerId()], { stdio: "inherit" });
    } else {
      execFileSync("bash", [kafkaScript(), "start"], { stdio: "inherit" });
    }
  },
};

function containerId(): string {
  const id = process.env.TOLLGATE_TEST_KAFKA_CONTAINER;
  if (!id) throw new Error("TOLLGATE_TEST_KAFKA_CONTAINER is not set; the containers global setup did not run");
  return id;
}
