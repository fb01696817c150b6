import type { SessionRevocationReason } from "@tollgate/contracts";

/** Auth events, written in the transaction that caused them; messaging/auth-event.outbox.ts implements it. */
export interface AuthEventsPort {
  sessionRevoked(userId: string, sessionId: string, reason: SessionRevocationReason, at: Date): Promise<void>;
  userDisabled(userId: string, at: Date, reason?: string): Promise<void>;
  userEnabled(userId: string, at: Date, reason?: string): Promise<void>;
  /** A new account, in its sign-up transaction (password or OAuth/OIDC); keyed and subjected by user id. */
  userRegistered(user: {
    id: string;
    username: string;
    createdAt: Date;
  }): Promise<void>;
}
