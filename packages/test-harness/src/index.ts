export { CaptureTransport } from "./capture-transport";
export { EventCollector, type CollectedMessage } from "./event-collector";
export { testDatabaseUrl, testInfra, testSigningKeysEncryptionKey, uniqueName, type TestInfra } from "./config";
export { freePort, startDedicatedKafka, type DedicatedKafka } from "./dedicated-kafka";
export { portOpen, waitForPort } from "./local-infra";
export { repoRoot } from "./repo-root";
export { waitFor } from "./wait-for";
export { E2E_APP_HOST, startE2eStack, type E2eProcessName, type E2eStack, type E2eStackOptions } from "./e2e-stack";
