import { z } from "zod";
import { errorBodySchema, fieldIssueSchema } from "../error-body";
import { emptyBodySchema } from "../rest/tokens";
import {
  accountSessionListSchema,
  accountSessionSchema,
  forgotPasswordRequestSchema,
  otherSessionsRevokedSchema,
  resetPasswordRequestSchema,
  verifyEmailRequestSchema,
} from "../rest/account";
import {
  auditLogEntrySchema,
  auditLogQuerySchema,
  changePasswordRequestSchema,
  jwkSchema,
  jwksSchema,
  loginRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
  serviceTokenRequestSchema,
  serviceTokenResponseSchema,
  tokenPairResponseSchema,
  userLookupParamsSchema,
  userLookupResponseSchema,
  userResponseSchema,
} from "../rest/auth";
import {
  adminSessionSchema,
  adminSessionsRevokedSchema,
  adminSetRoleRequestSchema,
  adminUserDetailSchema,
  adminUserListQuerySchema,
  adminUserPageSchema,
  adminUserSchema,
} from "../rest/admin";
import { adminTokenItemSchema, adminTokenListQuerySchema, adminTokenPageSchema } from "../rest/admin-tokens";
import {
  adjustmentRequestSchema,
  adjustmentResponseSchema,
  adminRefundRequestSchema,
  adminRefundResponseSchema,
  adminWalletSchema,
  priceListSchema,
  purchaseDebitRequestSchema,
  purchaseDebitResponseSchema,
  purchaseIdParamsSchema,
  purchaseRefundRequestSchema,
  purchaseRefundResponseSchema,
  purchaseStatusResponseSchema,
  receiptSchema,
  setPricesRequestSchema,
  stripeWebhookEventSchema,
  topUpRequestSchema,
  topUpResponseSchema,
  userIdParamsSchema,
  walletSchema,
  walletTransactionPageSchema,
  walletTransactionSchema,
  walletTransactionsQuerySchema,
  webhookAckSchema,
} from "../rest/billing";
import { uuidParamSchema } from "../rest/common";
import {
  createGameRequestSchema,
  findOpponentRequestSchema,
  gameSchema,
  leaderboardPageSchema,
  leaderboardQuerySchema,
  listGamesQuerySchema,
  listGamesResponseSchema,
  matchmakingQueuedSchema,
  matchmakingStatusSchema,
  myRatingSchema,
} from "../rest/games";
import { healthLiveResponseSchema, healthReadyResponseSchema, notReadyErrorBodySchema } from "../rest/health";
import {
  loginResponseSchema,
  mfaChallengeResponseSchema,
  mfaCodeRequestSchema,
  mfaLoginRequestSchema,
  mfaStatusResponseSchema,
  oauthSignInResponseSchema,
  recoveryCodesResponseSchema,
  totpConfirmRequestSchema,
  totpEnrolmentResponseSchema,
} from "../rest/mfa";
import {
  identitiesResponseSchema,
  identityResponseSchema,
  oauthAuthorizeQuerySchema,
  oauthCallbackQuerySchema,
  oauthCallbackResponseSchema,
  oauthProviderParamsSchema,
} from "../rest/oauth";
import { proxyLaunchRequestSchema, proxyLaunchResponseSchema } from "../rest/proxy";
import { auditLogPageSchema, identityAssertionJwksSchema, tokenListSchema } from "../rest/responses";
import {
  idempotencyKeySchema,
  myTokensQuerySchema,
  purchaseTokenRequestSchema,
  purchaseTokenResponseSchema,
  refundTokenResponseSchema,
  revokeTokenRequestSchema,
  tokenItemSchema,
  tokenStatusQuerySchema,
  tokenStatusResponseSchema,
  validateTokenRequestSchema,
  validateTokenResponseSchema,
} from "../rest/tokens";

/**
 * Every REST schema the API documents name, by component name. The OpenAPI documents are built
 * from these (`openApiComponents`), so a route's documented body is the schema its router parses
 * with, not a hand-written copy of it.
 */

/** JSON request bodies: documented as what `parseOrThrow` accepts (zod's input side: defaults optional). */
export const requestBodySchemas = {
  RegisterRequest: registerRequestSchema,
  LoginRequest: loginRequestSchema,
  RefreshRequest: refreshRequestSchema,
  ChangePasswordRequest: changePasswordRequestSchema,
  VerifyEmailRequest: verifyEmailRequestSchema,
  ForgotPasswordRequest: forgotPasswordRequestSchema,
  ResetPasswordRequest: resetPasswordRequestSchema,
  ServiceTokenRequest: serviceTokenRequestSchema,
  PurchaseTokenRequest: purchaseTokenRequestSchema,
  RevokeTokenRequest: revokeTokenRequestSchema,
  EmptyBody: emptyBodySchema,
  ValidateTokenRequest: validateTokenRequestSchema,
  CreateGameRequest: createGameRequestSchema,
  ProxyLaunchRequest: proxyLaunchRequestSchema,
  AdminSetRoleRequest: adminSetRoleRequestSchema,
  MfaLoginRequest: mfaLoginRequestSchema,
  MfaCodeRequest: mfaCodeRequestSchema,
  TotpConfirmRequest: totpConfirmRequestSchema,
  PurchaseDebitRequest: purchaseDebitRequestSchema,
  PurchaseRefundRequest: purchaseRefundRequestSchema,
  TopUpRequest: topUpRequestSchema,
  AdjustmentRequest: adjustmentRequestSchema,
  AdminRefundRequest: adminRefundRequestSchema,
  SetPricesRequest: setPricesRequestSchema,
  StripeWebhookEvent: stripeWebhookEventSchema,
} as const;

/** JSON response bodies: documented as what the services send (zod's output side). */
export const responseBodySchemas = {
  ErrorBody: errorBodySchema,
  FieldIssue: fieldIssueSchema,
  User: userResponseSchema,
  UserLookupResponse: userLookupResponseSchema,
  AccountSession: accountSessionSchema,
  AccountSessionList: accountSessionListSchema,
  OtherSessionsRevoked: otherSessionsRevokedSchema,
  TokenPair: tokenPairResponseSchema,
  ServiceTokenResponse: serviceTokenResponseSchema,
  AuditLogEntry: auditLogEntrySchema,
  AuditLogPage: auditLogPageSchema,
  AdminUser: adminUserSchema,
  AdminUserPage: adminUserPageSchema,
  AdminSession: adminSessionSchema,
  AdminUserDetail: adminUserDetailSchema,
  AdminSessionsRevoked: adminSessionsRevokedSchema,
  AdminTokenItem: adminTokenItemSchema,
  AdminTokenPage: adminTokenPageSchema,
  Jwk: jwkSchema,
  Jwks: jwksSchema,
  Identity: identityResponseSchema,
  Identities: identitiesResponseSchema,
  OAuthCallbackResponse: oauthCallbackResponseSchema,
  OAuthSignInResponse: oauthSignInResponseSchema,
  LoginResponse: loginResponseSchema,
  MfaChallenge: mfaChallengeResponseSchema,
  TotpEnrolment: totpEnrolmentResponseSchema,
  RecoveryCodes: recoveryCodesResponseSchema,
  MfaStatus: mfaStatusResponseSchema,
  IdempotencyKey: idempotencyKeySchema,
  PurchaseTokenResponse: purchaseTokenResponseSchema,
  RefundTokenResponse: refundTokenResponseSchema,
  TokenItem: tokenItemSchema,
  TokenList: tokenListSchema,
  ValidateTokenResponse: validateTokenResponseSchema,
  TokenStatusResponse: tokenStatusResponseSchema,
  ProxyLaunchResponse: proxyLaunchResponseSchema,
  IdentityAssertionJwks: identityAssertionJwksSchema,
  Game: gameSchema,
  GameList: listGamesResponseSchema,
  FindOpponentRequest: findOpponentRequestSchema,
  MatchmakingQueued: matchmakingQueuedSchema,
  MatchmakingStatus: matchmakingStatusSchema,
  LeaderboardPage: leaderboardPageSchema,
  MyRating: myRatingSchema,
  HealthLive: healthLiveResponseSchema,
  HealthReady: healthReadyResponseSchema,
  NotReadyErrorBody: notReadyErrorBodySchema,
  PurchaseDebitResponse: purchaseDebitResponseSchema,
  PurchaseRefundResponse: purchaseRefundResponseSchema,
  PurchaseStatusResponse: purchaseStatusResponseSchema,
  PriceList: priceListSchema,
  Wallet: walletSchema,
  WalletTransaction: walletTransactionSchema,
  WalletTransactionPage: walletTransactionPageSchema,
  Receipt: receiptSchema,
  TopUpResponse: topUpResponseSchema,
  WebhookAck: webhookAckSchema,
  AdminWallet: adminWalletSchema,
  AdjustmentResponse: adjustmentResponseSchema,
  AdminRefundResponse: adminRefundResponseSchema,
} as const;

/** Query strings, one parameter per property: `#/components/parameters/<Name>.<property>`. */
export const queryParameterSchemas = {
  AuditLogQuery: auditLogQuerySchema,
  AdminUserListQuery: adminUserListQuerySchema,
  AdminTokenListQuery: adminTokenListQuerySchema,
  MyTokensQuery: myTokensQuerySchema,
  TokenStatusQuery: tokenStatusQuerySchema,
  ListGamesQuery: listGamesQuerySchema,
  LeaderboardQuery: leaderboardQuerySchema,
  WalletTransactionsQuery: walletTransactionsQuerySchema,
  OAuthAuthorizeQuery: oauthAuthorizeQuerySchema,
  OAuthCallbackQuery: oauthCallbackQuerySchema,
} as const;

/** Path parameters, one per property, always required: `#/components/parameters/<Name>.<property>`. */
export const pathParameterSchemas = {
  UuidParam: uuidParamSchema,
  OAuthProviderParams: oauthProviderParamsSchema,
  UserLookupParams: userLookupParamsSchema,
  PurchaseIdParams: purchaseIdParamsSchema,
  UserIdParams: userIdParamsSchema,
} as const;

export type RequestBodyName = keyof typeof requestBodySchemas;
export type ResponseBodyName = keyof typeof responseBodySchemas;
export type ParameterSchemaName = keyof typeof queryParameterSchemas | keyof typeof pathParameterSchemas;
export type ApiSchemaName = RequestBodyName | ResponseBodyName | ParameterSchemaName;

const allApiSchemas: Record<ApiSchemaName, z.ZodType> = { ...requestBodySchemas, ...responseBodySchemas, ...queryParameterSchemas, ...pathParameterSchemas };

/** The component name a schema is documented under, or undefined for a schema the documents do not know. */
export function apiSchemaName(schema: unknown): ApiSchemaName | undefined {
  return (Object.keys(allApiSchemas) as ApiSchemaName[]).find((name) => allApiSchemas[name] === schema);
}

/** How a schema appears in the documents: a body component, or parameters (one per property). */
export function apiSchemaRole(name: ApiSchemaName): "request-body" | "response-body" | "query" | "path" {
  if (name in requestBodySchemas) return "request-body";
  if (name in responseBodySchemas) return "response-body";
  return name in queryParameterSchemas ? "query" : "path";
}
