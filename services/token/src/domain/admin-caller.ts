import type { AdminTokenItem } from "@tollgate/contracts";
import { toTokenItem, type AccessToken } from "./access-token";

/** The administrator making a call, as the audit log records them. */
export interface AdminCaller {
  userId: string;
  ip: string | null;
  userAgent: string | null;
}

export const toAdminTokenItem = (token: AccessToken, now: Date): AdminTokenItem => ({ ...toTokenItem(token, now), user_id: token.userId, revoke_reason: token.revokeReason });
