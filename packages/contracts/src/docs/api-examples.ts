import type { z } from "zod";
import type { RequestBodyName, requestBodySchemas, ResponseBodyName, responseBodySchemas } from "./api-schemas";

/**
 * One example per documented body, typed by its schema here and parsed by it in the tests, so an
 * example cannot show a body the service would refuse or never send.
 */
type Examples = { [K in RequestBodyName]: z.input<(typeof requestBodySchemas)[K]> } & { [K in ResponseBodyName]: z.output<(typeof responseBodySchemas)[K]> };

export const exampleIds = {
  user: "5f1c7e0a-3b9d-4c1e-9a2f-6d8b7e4a1c30",
  opponent: "0b6f3c2d-8e41-4a7b-b5c9-1d2e3f4a5b6c",
  session: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  token: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
  purchase: "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
  /** A price version at the billing service. */
  price: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
  game: "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
  auditEntry: "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
  event: "8f9e0d1c-2b3a-4495-a6b7-c8d9e0f1a2b3",
  requestId: "9f0c3b1e-5a7d-4e2f-8c6b-0d1a2e3f4b5c",
} as const;

export const exampleTimes = {
  created: "2026-11-22T10:00:00.000Z",
  activated: "2026-11-22T10:02:00.000Z",
  now: "2026-11-22T10:05:00.000Z",
  expires: "2026-11-23T10:02:00.000Z",
} as const;

const accessJwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiI1ZjFjN2UwYSJ9.c2lnbmF0dXJl";
const accessTokenValue = "q3Vd8mX0rTzN4kLw9YbHc2Fj6Pa1Ue5Sg7Ri0Oy3Mn8Bv4Ct2Dx6Ez9Aw1Qs5Kh7";

const user = {
  id: exampleIds.user,
  email: "ada@example.com",
  username: "ada",
  role: "user",
  created_at: exampleTimes.created,
  last_login_at: exampleTimes.now,
  email_verified_at: exampleTimes.created,
} as const;

/** A verification or reset token as mailed (43 base64url characters). */
const accountToken = "Xq3v9KmT2wLp8RnZ4bHc7Fj1Ya6Ue0Sg5Ri2Oy7Mn4B";

const accountSession = {
  id: exampleIds.session,
  created_at: exampleTimes.created,
  last_used_at: exampleTimes.now,
  expires_at: "2026-11-29T10:05:00.000Z",
  ip: "203.0.113.7",
  user_agent: "tollgate-cli/0.1.0",
  current: true,
} as const;

const tokenPair = { access_token: accessJwt, refresh_token: "rt_4f9c2a7b1e8d6c3a5b0f9e2d7c4a1b8e", token_type: "Bearer", expires_in: 900, user } as const;

const mfaChallenge = { status: "MFA_REQUIRED", mfa_token: "mfa_Vb3kQ9xR2mT7wL4nP8sJ6hD1fG5cZ0aY", expires_in: 300, methods: ["totp", "recovery_code"] as ("totp" | "recovery_code")[] } as const;

const tokenItem = {
  id: exampleIds.token,
  duration_hours: 24,
  status: "active",
  created_at: exampleTimes.created,
  activated_at: exampleTimes.activated,
  expires_at: exampleTimes.expires,
  revoked_at: null,
} as const;

const identity = {
  provider: "google",
  subject: "109876543210987654321",
  email: "ada@example.com",
  email_verified: true,
  created_at: exampleTimes.created,
  last_login_at: exampleTimes.now,
} as const;

const game = {
  id: exampleIds.game,
  kind: "connect_four",
  status: "active",
  player1_id: exampleIds.user,
  player2_id: exampleIds.opponent,
  invited_user_id: exampleIds.opponent,
  player1_username: "ada",
  player2_username: "grace",
  invited_username: "grace",
  version: 3,
  result: null,
  end_reason: null,
  created_at: exampleTimes.created,
  updated_at: exampleTimes.now,
} as const;

const jwk = { kty: "RSA", kid: "k1", use: "sig", alg: "RS256", n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbf", e: "AQAB" } as const;

const auditEntry = {
  id: exampleIds.auditEntry,
  user_id: exampleIds.user,
  actor_id: exampleIds.user,
  actor_type: "user",
  action: "login_success",
  ip: "203.0.113.7",
  user_agent: "tollgate-cli/0.1.0",
  details: { session_id: exampleIds.session },
  created_at: exampleTimes.now,
} as const;

/** What `next_cursor` looks like (opaque to clients: pass it back as `cursor`, unchanged). */
const pageCursor = "WyIyMDI2LTExLTIyVDEwOjA1OjAwLjEyMzQ1NloiLCIyZDNlNGY1YS02YjdjLTRkOGUtOWYwYS0xYjJjM2Q0ZTVmNmEiXQ";

const adminUser = {
  id: exampleIds.user,
  email: user.email,
  username: user.username,
  role: "user",
  status: "active",
  email_verified_at: exampleTimes.created,
  created_at: exampleTimes.created,
  last_login_at: exampleTimes.now,
  disabled_at: null,
} as const;

const adminSession = {
  id: exampleIds.session,
  created_at: exampleTimes.created,
  last_used_at: exampleTimes.now,
  expires_at: "2026-12-22T10:00:00.000Z",
  ip: "203.0.113.7",
  user_agent: "tollgate-cli/0.1.0",
} as const;

const adminTokenItem = { ...tokenItem, user_id: exampleIds.user, revoke_reason: null } as const;

/** The billing service's examples: a price version, a top-up, a refund, a wallet movement. */
const billingIds = {
  price: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
  topUp: "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
  refund: "5f6a7b8c-9d0e-4f1a-b2c3-d4e5f6a7b8c9",
  transaction: "6b7c8d9e-0f1a-4b2c-83d4-e5f6a7b8c9d0",
  purchase: "7c8d9e0f-1a2b-4c3d-94e5-f6a7b8c9d0e1",
  adjustment: "8d9e0f1a-2b3c-4d4e-a5f6-a7b8c9d0e1f2",
} as const;
const walletTransaction = {
  id: billingIds.transaction,
  kind: "purchase",
  amount: -2500,
  currency: "usd",
  reference: { type: "purchase", id: billingIds.purchase },
  description: "24 h access token",
  created_at: exampleTimes.now,
} as const;

export const apiExamples: Examples = {
  RegisterRequest: { email: "ada@example.com", username: "ada", password: "a long passphrase here" },
  LoginRequest: { login: "ada", password: "a long passphrase here" },
  RefreshRequest: { refresh_token: tokenPair.refresh_token },
  ChangePasswordRequest: { current_password: "a long passphrase here", new_password: "an even longer passphrase", revoke_other_sessions: true },
  VerifyEmailRequest: { token: accountToken },
  ForgotPasswordRequest: { email: "ada@example.com" },
  ResetPasswordRequest: { token: accountToken, new_password: "an even longer passphrase" },
  ServiceTokenRequest: { client_id: "proxy", client_secret: "s3cr3t-from-the-secret-store" },
  PurchaseTokenRequest: { duration_hours: 24 },
  RevokeTokenRequest: { reason: "lost laptop" },
  EmptyBody: {},
  ValidateTokenRequest: { token: accessTokenValue },
  CreateGameRequest: { opponent_username: "grace" },
  ProxyLaunchRequest: { path: "/" },
  AdminSetRoleRequest: { role: "admin" },
  MfaLoginRequest: { mfa_token: mfaChallenge.mfa_token, totp_code: "492039" },
  MfaCodeRequest: { totp_code: "492039" },
  TotpConfirmRequest: { totp_code: "492039" },
  PurchaseDebitRequest: { user_id: exampleIds.user, duration_hours: 24 },
  PurchaseRefundRequest: { reason: "unused_token_returned" },
  TopUpRequest: { amount: 5000 },
  AdjustmentRequest: { user_id: exampleIds.user, amount: 500, reason: "goodwill credit after an outage" },
  AdminRefundRequest: { purchase_id: billingIds.purchase, amount: 1000, reason: "upstream was down for half the token's time" },
  SetPricesRequest: { currency: "usd", prices: [{ duration_hours: 24, unit_amount: 2500 }] },
  StripeWebhookEvent: {
    id: "evt_1QbT3xAbCdEfGhIjKlMnOpQr",
    object: "event",
    type: "payment_intent.succeeded",
    created: 1795341900,
    livemode: false,
    data: { object: { id: "pi_3QbT3xAbCdEfGhIj0aBcDeFg", object: "payment_intent", amount_received: 5000, currency: "usd", metadata: { top_up_id: billingIds.topUp, user_id: exampleIds.user } } },
  },

  ErrorBody: {
    detail: "invalid request body: password: Too small: expected string to have >=12 characters",
    error_code: "VALIDATION_ERROR",
    status_code: 422,
    timestamp: exampleTimes.now,
    request_id: exampleIds.requestId,
    errors: [{ path: "password", message: "Too small: expected string to have >=12 characters" }],
  },
  FieldIssue: { path: "password", message: "Too small: expected string to have >=12 characters" },
  User: user,
  UserLookupResponse: { id: exampleIds.opponent, username: "grace" },
  AccountSession: accountSession,
  AccountSessionList: { sessions: [accountSession, { ...accountSession, id: exampleIds.event, ip: "198.51.100.23", user_agent: "Mozilla/5.0 (X11; Linux x86_64)", current: false }] },
  OtherSessionsRevoked: { revoked_sessions: 1 },
  TokenPair: tokenPair,
  ServiceTokenResponse: { access_token: accessJwt, token_type: "Bearer", expires_in: 300, scope: "tokens:validate" },
  AuditLogEntry: auditEntry,
  AuditLogPage: { entries: [auditEntry], next_cursor: pageCursor },
  AdminUser: adminUser,
  AdminUserPage: { users: [adminUser], next_cursor: pageCursor },
  AdminSession: adminSession,
  AdminUserDetail: { user: adminUser, has_password: true, identities: [identity], sessions: [adminSession] },
  AdminSessionsRevoked: { revoked_sessions: 2 },
  AdminTokenItem: adminTokenItem,
  AdminTokenPage: { tokens: [adminTokenItem], next_cursor: null },
  Jwk: jwk,
  Jwks: { keys: [jwk] },
  Identity: identity,
  Identities: { identities: [identity], has_password: true },
  OAuthCallbackResponse: { ...tokenPair, provider: "google", outcome: "existing_identity" },
  OAuthSignInResponse: mfaChallenge,
  LoginResponse: mfaChallenge,
  MfaChallenge: mfaChallenge,
  TotpEnrolment: {
    secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    otpauth_uri: "otpauth://totp/Tollgate:ada?issuer=Tollgate&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30",
    issuer: "Tollgate",
    account_name: "ada",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
  },
  RecoveryCodes: {
    recovery_codes: ["7hq2-m4kx-9wpz-c3vd", "a8tn-5fjr-e2yb-6kgs", "q9xd-3cmw-h7pt-v4nz", "b2re-8kyf-t5jq-m6wc", "n4sz-7vgh-2dxk-p9rt", "c6wm-3tbq-x8fn-j5ye", "k7pd-9hzr-4sgv-w2mx", "f3yt-6nqc-b8kj-r5dz", "x5gr-2wme-v7ht-q4bn", "m8dk-4pcx-z6ry-h3tf"],
  },
  MfaStatus: { totp: "enabled", enabled_at: exampleTimes.created, recovery_codes_remaining: 10 },
  IdempotencyKey: "3f1c9e2a-7b4d-4e8f-a6c2-9d1b5e7f0a34",
  PurchaseTokenResponse: {
    id: exampleIds.token,
    token: accessTokenValue,
    duration_hours: 24,
    status: "pending",
    created_at: exampleTimes.created,
    purchase_id: exampleIds.purchase,
    amount: 2500,
    currency: "usd",
    price_id: exampleIds.price,
  },
  RefundTokenResponse: { token_id: exampleIds.token, purchase_id: exampleIds.purchase, status: "refunded", amount: 2500, currency: "usd" },
  TokenItem: tokenItem,
  TokenList: [tokenItem],
  ValidateTokenResponse: { token_id: exampleIds.token, user_id: exampleIds.user, activated_at: exampleTimes.activated, expires_at: exampleTimes.expires },
  TokenStatusResponse: { token_id: exampleIds.token, user_id: exampleIds.user, status: "active", activated_at: exampleTimes.activated, expires_at: exampleTimes.expires },
  ProxyLaunchResponse: {
    url: "http://app.localhost:8080/.tollgate/launch?ticket=Zm9yLWV4YW1wbGUtb25seQ",
    app_origin: "http://app.localhost:8080",
    expires_at: "2026-11-22T10:06:00.000Z",
  },
  IdentityAssertionJwks: {
    keys: [{ kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", kid: "assert-1", alg: "ES256", use: "sig" }],
  },
  Game: game,
  PurchaseDebitResponse: { purchase_id: billingIds.purchase, user_id: exampleIds.user, status: "debited", amount: 2500, currency: "usd", price_id: billingIds.price, balance_after: 1500, debited_at: exampleTimes.now },
  PurchaseRefundResponse: { purchase_id: billingIds.purchase, status: "refunded", amount: 2500, currency: "usd", refund_id: billingIds.refund, balance_after: 4000 },
  PurchaseStatusResponse: { purchase_id: billingIds.purchase, status: "debited", amount: 2500, currency: "usd", price_id: billingIds.price },
  PriceList: { currency: "usd", prices: [{ duration_hours: 24, unit_amount: 2500, price_id: billingIds.price }] },
  Wallet: { currency: "usd", balance: 1500, updated_at: exampleTimes.now },
  WalletTransaction: walletTransaction,
  WalletTransactionPage: { data: [walletTransaction], next_cursor: pageCursor },
  Receipt: {
    purchase_id: billingIds.purchase,
    duration_hours: 24,
    status: "debited",
    amount: 2500,
    currency: "usd",
    price_id: billingIds.price,
    debited_at: exampleTimes.now,
    refunds: [{ refund_id: billingIds.refund, amount: 1000, reason: "admin_refund", description: "upstream was down for half the token's time", created_at: exampleTimes.expires }],
  },
  TopUpResponse: { id: billingIds.topUp, status: "open", amount: 5000, currency: "usd", checkout_url: "https://checkout.stripe.com/c/pay/cs_test_a1b2c3", balance_after: null },
  WebhookAck: { received: true },
  AdminWallet: { user_id: exampleIds.user, currency: "usd", balance: 1500, updated_at: exampleTimes.now },
  AdjustmentResponse: { id: billingIds.adjustment, transaction_id: billingIds.transaction, user_id: exampleIds.user, amount: 500, currency: "usd", reason: "goodwill credit after an outage", balance_after: 2000, created_at: exampleTimes.now },
  AdminRefundResponse: { refund_id: billingIds.refund, purchase_id: billingIds.purchase, amount: 1000, currency: "usd", remaining: 1500, balance_after: 2500, created_at: exampleTimes.now },
  GameList: { games: [game] },
  FindOpponentRequest: {},
  MatchmakingQueued: { status: "queued", rating: 1532, queued_at: exampleTimes.now },
  MatchmakingStatus: { status: "matched", game_id: exampleIds.game },
  LeaderboardPage: {
    data: [{ rank: 1, user_id: exampleIds.user, username: "ada", rating: 1712, games: 31, wins: 22, losses: 7, draws: 2 }],
    next_cursor: "WzE3MTIuNDQsIjVmMWM3ZTBhLTNiOWQtNGMxZS05YTJmLTZkOGI3ZTRhMWMzMCJd",
  },
  MyRating: { user_id: exampleIds.user, username: "ada", rating: 1712, rating_deviation: 64, games: 31, wins: 22, losses: 7, draws: 2, rank: 1 },
  HealthLive: { status: "ok" },
  HealthReady: { status: "ready", checks: { postgres: "ok", redis: "ok" } },
  NotReadyErrorBody: {
    detail: "service is not ready",
    error_code: "NOT_READY",
    status_code: 503,
    timestamp: exampleTimes.now,
    request_id: exampleIds.requestId,
    checks: { postgres: "ok", redis: "failed: no answer within 2000 ms" },
  },
};
