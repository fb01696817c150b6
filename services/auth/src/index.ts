/**
 * What other packages (their component tests) may build the auth service from; the service
 * itself starts in main.ts.
 */
export { createApp, createTokenSigner, type AppConfig, type AppDeps } from "./app";
export { authEnvSchema, type AuthConfig } from "./config";
export { loadCommonPasswords } from "./domain/password-policy";
export { authMigrations } from "./migrations";
