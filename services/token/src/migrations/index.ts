import { outboxMigration, processedEventsMigration, type Migration } from "@tollgate/service-kit";
import { accessTokensMigration } from "./0002-access-tokens";
import { accessTokensAdminIndexMigration } from "./0003-access-tokens-admin-index";
import { purchasesMigration } from "./0004-purchases";

/** Every migration of the token database, in order. */
export const tokenMigrations: Migration[] = [outboxMigration, processedEventsMigration, accessTokensMigration, accessTokensAdminIndexMigration, purchasesMigration];
