/**
 * What other workspaces may import from the auth service (e.g. a test fixture that runs the real
 * service in-process). Importing this never starts anything; `main.ts` is the entry point.
 */
export { createApp, createTokenSigner, retiredKeyRetentionSeconds, type AppConfig, type AppDeps } from "./app";
export { authEnvSchema, type AuthConfig, type ServiceClient } from "./config";
export { ZxcvbnStrengthEstimator } from "./data/zxcvbn-strength.estimator";
export { tokenActivatedConsumer } from "./messaging/token-activated.consumer";
export { authMigrations } from "./migrations";
