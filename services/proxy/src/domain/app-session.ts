import { proxyErrorCodes } from "@tollgate/contracts";
import { AppError } from "@tollgate/service-kit";

/** What a launch ticket and an app session are bound to: one access token, by its SHA-256. */
export interface AppSessionBinding {
  tokenSha256: string;
  tokenId: string;
  userId: string;
  /** The token's expiry, ms since the epoch: the session never outlives it. */
  expiresAt: number;
  /** The app origin it was issued for: a ticket or session works on that origin only. */
  appOrigin: string;
}

export interface LaunchTicket extends AppSessionBinding {
  /** Where the browser lands after the launch, root-relative on the app origin. */
  path: string;
}

/**
 * Storage of launch tickets and app sessions, each under the SHA-256 of its secret so that a read
 * of the store yields nothing a browser could present.
 */
export interface AppSessionStore {
  saveTicket(ticketSha256: string, ticket: LaunchTicket, ttlMs: number): Promise<void>;
  /** Reads and deletes in one step: a ticket works once. */
  takeTicket(ticketSha256: string): Promise<LaunchTicket | undefined>;
  saveSession(sessionSha256: string, binding: AppSessionBinding, ttlMs: number): Promise<void>;
  findSession(sessionSha256: string): Promise<AppSessionBinding | undefined>;
  deleteSession(sessionSha256: string): Promise<void>;
}

export class AppOriginNotConfiguredError extends AppError {
  constructor() {
    super(404, proxyErrorCodes.APP_ORIGIN_NOT_CONFIGURED, "this gateway serves no app origin (APP_PUBLIC_ORIGIN is not set); use the path prefix /api/v1/proxy/");
  }
}

export class LaunchTicketInvalidError extends AppError {
  constructor() {
    super(401, proxyErrorCodes.LAUNCH_TICKET_INVALID, "this launch link was already used or has expired; open the application again from your Tollgate client");
  }
}

export class AppSessionInvalidError extends AppError {
  constructor() {
    super(401, proxyErrorCodes.APP_SESSION_INVALID, "no app session: open the application from your Tollgate client (a launch link or `tollgate connect`)");
  }
}
