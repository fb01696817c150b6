/**
 * What other workspaces may import from the auth service (e.g. a test fixture that runs the real
 * service in-process). Importing this never starts anything; `main.ts` is the entry point.
 */
export { createApp, createTokenSigner, createUseCases, retiredKeyRetentionSeconds, type AppConfig, type AuthAppDeps, type AuthClients, type AuthSettings, type AuthUseCases } from "./app";
export { authEnvSchema, type AuthConfig, type ServiceClient } from "./config";
export { ZxcvbnStrengthEstimator } from "./data/zxcvbn-strength.estimator";
export { tokenActivatedConsumer } from "./messaging/token-activated.consumer";
export { authMigrations } from "./migrations";
