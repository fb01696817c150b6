/**
 * @tollgate/contracts — every shape that crosses a process boundary: HTTP bodies, the error body,
 * event envelopes and payloads, WebSocket messages and topic names, and the API documents (OpenAPI
 * components, AsyncAPI) generated from them.
 * zod is this package's only dependency; every schema sits beside its inferred type.
 */
export * from "./docs";
export * from "./error-body";
export * from "./error-codes";
export * from "./events";
export * from "./rest/account";
export * from "./rest/admin";
export * from "./rest/admin-tokens";
export * from "./rest/auth";
export * from "./rest/billing";
export * from "./rest/common";
export * from "./rest/games";
export * from "./rest/health";
export * from "./rest/mfa";
export * from "./rest/oauth";
export * from "./rest/page-cursor";
export * from "./rest/proxy";
export * from "./rest/responses";
export * from "./rest/tokens";
export * from "./ws/game-messages";
