import { z } from "zod";
import { auditRecordedV1Schema } from "./audit-events";
import { sessionRevokedV1Schema, userDisabledV1Schema, userEnabledV1Schema, userRegisteredV1Schema } from "./auth-events";
import { purchaseRefundedV1Schema, walletCreditedV1Schema, walletDebitedV1Schema } from "./billing-events";
import { eventTypes, type EventType } from "./topics";
import { purchaseCompletedV1Schema, tokenActivatedV1Schema, tokenRevokedV1Schema } from "./token-events";

export * from "./audit-events";
export * from "./auth-events";
export * from "./billing-events";
export * from "./envelope";
export * from "./token-events";
export * from "./topics";

/** The payload schema of every event type, so producers and consumers agree by construction. */
export const eventDataSchemas = {
  [eventTypes.tokenActivated]: tokenActivatedV1Schema,
  [eventTypes.tokenRevoked]: tokenRevokedV1Schema,
  [eventTypes.purchaseCompleted]: purchaseCompletedV1Schema,
  [eventTypes.sessionRevoked]: sessionRevokedV1Schema,
  [eventTypes.userDisabled]: userDisabledV1Schema,
  [eventTypes.userEnabled]: userEnabledV1Schema,
  [eventTypes.userRegistered]: userRegisteredV1Schema,
  [eventTypes.auditRecorded]: auditRecordedV1Schema,
  [eventTypes.walletCredited]: walletCreditedV1Schema,
  [eventTypes.walletDebited]: walletDebitedV1Schema,
  [eventTypes.purchaseRefunded]: purchaseRefundedV1Schema,
} as const satisfies Record<EventType, z.ZodType>;

export type EventDataByType = { [K in EventType]: z.infer<(typeof eventDataSchemas)[K]> };
