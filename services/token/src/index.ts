/** What other packages' tests may build the token service from (the service itself starts in main.ts). */
export { createApp, createUseCases, unpricedBilling, type TokenAppDeps, type TokenClients, type TokenSettings, type TokenUseCases } from "./app";
export { tokenMigrations } from "./migrations";
