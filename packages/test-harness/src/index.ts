export { EventCollector, type CollectedMessage } from "./event-collector";
export { testDatabaseUrl, testInfra, uniqueName, type TestInfra } from "./infra-env";
export { kafkaBroker } from "./kafka-control";
export { portOpen, waitForPort } from "./local-infra";
export { repoRoot } from "./repo-root";
export { waitFor } from "./wait-for";
