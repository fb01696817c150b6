/** What other packages' tests may build the billing service from (the service itself starts in main.ts). */
export { createApp, createUseCases, type BillingAppDeps, type BillingClients, type BillingSettings, type BillingUseCases } from "./app";
export { billingMigrations } from "./migrations";
