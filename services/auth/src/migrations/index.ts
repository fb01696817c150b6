import { outboxMigration, processedEventsMigration, type Migration } from "@tollgate/service-kit";
import { usersMigration } from "./0001-users.migration";
import { sessionsMigration } from "./0002-sessions.migration";
import { signingKeysMigration } from "./0003-signing-keys.migration";
import { auditLogsMigration } from "./0004-audit-logs.migration";
import { userIdentitiesMigration } from "./0005-user-identities.migration";
import { emailVerifiedMigration } from "./0006-email-verified.migration";
import { accountMailMigration } from "./0007-account-mail.migration";
import { mfaMigration } from "./0008-mfa.migration";
import { adminMigration } from "./0009-admin.migration";
import { userRegisteredBackfillMigration } from "./0010-user-registered-backfill.migration";

/** In order; never edit one that has shipped, add the next. */
export const authMigrations: Migration[] = [outboxMigration, processedEventsMigration, usersMigration, sessionsMigration, signingKeysMigration, auditLogsMigration, userIdentitiesMigration, emailVerifiedMigration, accountMailMigration, mfaMigration, adminMigration, userRegisteredBackfillMigration];
