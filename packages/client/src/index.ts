/** @tollgate/client — the typed SDK desktop clients use to reach Tollgate through its gateway. */
export { AccountApi, accountTokenFrom } from "./account-api";
export { AdminApi, type AdminUserView, type AuditQuery, type PageRequest, type TokenQuery, type UserQuery } from "./admin-api";
export { BillingApi, type BillingCall, type TopUpOptions } from "./billing-api";
export { startConnector, type Connector, type ConnectorEnd, type ConnectorEndReason, type ConnectorLogger, type ConnectorOptions } from "./connector";
export { clientErrorCodes, InsufficientFundsError, PriceChangedError, TollgateError, type ClientErrorCode, type KnownErrorCode } from "./errors";
export { GameSocket, type GameSocketEvents, type GameSocketOptions } from "./game-socket";
export { GamesApi, type GamesCall, type Opponent } from "./games-api";
export { MfaApi, MfaRequiredError, secondFactorProof } from "./mfa-api";
export { formatMoney, minorUnitDigits, parseMajorAmount } from "./money";
export type { PurchaseOptions } from "./purchase";
export { MemorySessionStore, toStoredSession, type SessionStore, type StoredSession } from "./session";
export { TollgateClient, type TollgateClientOptions } from "./tollgate-client";
