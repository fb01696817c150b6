import { outboxMigration, processedEventsMigration, type Migration } from "@tollgate/service-kit";
import { accessTokensMigration } from "./0002-access-tokens";

/** Every migration of the token database, in order. */
export const tokenMigrations: Migration[] = [outboxMigration, processedEventsMigration, accessTokensMigration];
