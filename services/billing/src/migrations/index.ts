import { outboxMigration, processedEventsMigration, type Migration } from "@tollgate/service-kit";
import { pricesMigration } from "./0002-prices";
import { ledgerMigration } from "./0003-ledger";
import { walletsPurchasesMigration } from "./0004-wallets-purchases";
import { topUpsMigration } from "./0005-top-ups";
import { idempotencyRefundReasonsMigration } from "./0006-idempotency-refund-reasons";
import { replayedBodiesAsSentMigration } from "./0007-replayed-bodies-as-sent";

/** Every migration of the billing database, in order. */
export const billingMigrations: Migration[] = [outboxMigration, processedEventsMigration, pricesMigration, ledgerMigration, walletsPurchasesMigration, topUpsMigration, idempotencyRefundReasonsMigration, replayedBodiesAsSentMigration];
