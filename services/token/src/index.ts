/** What other packages' tests may build the token service from (the service itself starts in main.ts). */
export { createApp, createTokenUseCases, type TokenAppDeps, type TokenUseCases } from "./app";
export { tokenMigrations } from "./migrations";
