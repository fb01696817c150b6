import {
  isMfaChallenge,
  loginResponseSchema,
  proxyLaunchResponseSchema,
  refundTokenResponseSchema,
  tokenItemSchema,
  tokenPairResponseSchema,
  userLookupResponseSchema,
  userResponseSchema,
  type DurationHours,
  type MfaChallengeResponse,
  type MfaCodeRequest,
  type ProxyLaunchResponse,
  type PurchaseTokenResponse,
  type RefundTokenResponse,
  type TokenItem,
  type UserLookupResponse,
  type UserResponse,
} from "@tollgate/contracts";
import WebSocket from "ws";
import { z } from "zod";
import { AccountApi } from "./account-api";
import { AdminApi } from "./admin-api";
import { BillingApi } from "./billing-api";
import { clientErrorCodes, TollgateError } from "./errors";
import { GameSocket } from "./game-socket";
import { GamesApi } from "./games-api";
import { MfaApi, MfaRequiredError } from "./mfa-api";
import { MemorySessionStore, toStoredSession, type SessionStore, type StoredSession } from "./session";
import { assertProxyPath } from "./proxy-path";
import { purchaseToken, type PurchaseOptions } from "./purchase";
import { fetchWithSafeRetry } from "./safe-retry";
import { assertTrustedCa, trustingFetch, type TrustedCa } from "./trusted-ca";

/** The session id (`sid`) an access token names; undefined for a token that does not parse. */
function sessionIdOf(accessToken: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8")) as { sid?: unknown };
    return typeof claims.sid === "string" ? claims.sid : undefined;
  } catch {
    return undefined;
  }
}

export interface TollgateClientOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  session?: SessionStore;
  /** Refresh when the access token has less than this left. */
  refreshMarginMs?: number;
  fetch?: typeof fetch;
  /**
   * Certificate authorities to trust for an https gateway (PEM), e.g. a local CA. Certificates are
   * always verified: without this, only the system's CAs are trusted, and an invalid or untrusted
   * certificate fails the call.
   */
  ca?: TrustedCa;
  /**
   * `User-Agent` of the calls to Tollgate (default `tollgate-sdk`): each login's session keeps it,
   * so that a person listing their sessions can tell one device or program from another.
   */
  userAgent?: string;
}

/**
 * The desktop client's view of Tollgate, over the gateway only. Access tokens are refreshed
 * before they expire; parallel calls share one refresh, so a rotated refresh token is never
 * presented twice (which the server would treat as theft and end the session).
 */
export class TollgateClient {
  private readonly store: SessionStore;
  private readonly margin: number;
  private readonly fetchImpl: typeof fetch;
  private refreshing: Promise<StoredSession> | undefined;

  constructor(private readonly options: TollgateClientOptions) {
    this.store = options.session ?? new MemorySessionStore();
    this.margin = options.refreshMarginMs ?? 60_000;
    assertTrustedCa(options.ca, "ca");
    const trusted = trustingFetch(options.fetch ?? fetch, options.ca);
    this.fetchImpl = async (input, init) => {
      try {
        return await trusted(input, init);
      } catch (error) {
        // A caller's own abort stays an AbortError; anything else is "no answer", in our error type.
        if (error instanceof Error && error.name === "AbortError") throw error;
        throw TollgateError.network(String(input instanceof Request ? input.url : input), error);
      }
    };
  }

  // ---- auth --------------------------------------------------------------------------------
  readonly auth = {
    register: async (input: { email: string; username: string; password: string }): Promise<UserResponse> =>
      userResponseSchema.parse(await this.call("POST", "/api/v1/auth/register", { body: input, anonymous: true })),
    /**
     * Logs in. An account with two-factor sign-in answers a challenge instead of a session: then
     * `options.secondFactor` is asked for a TOTP code or a recovery code (`secondFactorProof`
     * turns what a person typed into one) and the login completes with it; without the option it
     * rejects with `MfaRequiredError`, whose `challenge` goes to `completeLogin`.
     */
    login: async (login: string, password: string, options: { secondFactor?: (challenge: MfaChallengeResponse) => Promise<MfaCodeRequest> } = {}): Promise<UserResponse> => {
      const answer = loginResponseSchema.parse(await this.call("POST", "/api/v1/auth/login", { body: { login, password }, anonymous: true }));
      if (!isMfaChallenge(answer)) {
        await this.store.save(toStoredSession(answer));
        return answer.user;
      }
      if (!options.secondFactor) throw new MfaRequiredError(answer);
      return this.auth.completeLogin(answer.mfa_token, await options.secondFactor(answer));
    },
    /**
     * The second step of a two-factor login: the challenge's `mfa_token` and a TOTP code or a
     * recovery code. Rejects with `TollgateError` 401 `INVALID_MFA_CODE` (try another code while the
     * challenge lasts: 5 attempts, `expires_in` seconds), 401 `MFA_CHALLENGE_INVALID` (log in
     * again), 429 `RATE_LIMITED`.
     */
    completeLogin: async (mfaToken: string, proof: MfaCodeRequest): Promise<UserResponse> => {
      const pair = tokenPairResponseSchema.parse(await this.call("POST", "/api/v1/auth/login/mfa", { body: { mfa_token: mfaToken, ...proof }, anonymous: true }));
      await this.store.save(toStoredSession(pair));
      return pair.user;
    },
    logout: async (): Promise<void> => {
      try {
        await this.call("POST", "/api/v1/auth/logout", {});
      } finally {
        await this.store.save(undefined);
      }
    },
    me: async (): Promise<UserResponse> => userResponseSchema.parse(await this.call("GET", "/api/v1/users/me", {})),
    /** The current access token (refreshed if needed), for sockets and custom calls. */
    accessToken: async (): Promise<string> => (await this.session()).accessToken,
  };

  // ---- tokens ------------------------------------------------------------------------------
  readonly tokens = {
    /**
     * Buys a token, paid from the wallet: `{ id, token (shown once), …, purchase_id, amount, currency,
     * price_id }`. Always sends an `Idempotency-Key` (`options.idempotencyKey`, else a random UUID)
     * and retries a lost answer with it, so one call never debits twice. Rejects with
     * `InsufficientFundsError` (402) when the wallet cannot pay, 409 `TOKEN_LIMIT_REACHED`, 422
     * `IDEMPOTENCY_KEY_REUSED` (that key bought something else), `PriceChangedError` (409
     * `PRICE_CHANGED`) when `options.priceId`, the price shown, is no longer the price.
     */
    purchase: async (durationHours: DurationHours, options: PurchaseOptions = {}): Promise<PurchaseTokenResponse> =>
      purchaseToken((path, { body, headers }) => this.call("POST", path, { body, headers }), durationHours, options),
    list: async (activeOnly = false): Promise<TokenItem[]> =>
      z.array(tokenItemSchema).parse(await this.call("GET", `/api/v1/tokens/my-tokens?active_only=${activeOnly}`, {})),
    revoke: async (id: string, reason?: string): Promise<TokenItem> =>
      tokenItemSchema.parse(await this.call("POST", `/api/v1/tokens/${encodeURIComponent(id)}/revoke`, { body: reason ? { reason } : {} })),
    /** Returns a token never used (pending, or revoked before its first use) for what is left of its price; a repeat answers the same. Rejects with 409 `TOKEN_ALREADY_USED` once it was used, 409 `TOKEN_NOT_REFUNDABLE` when it was revoked because its account was disabled. */
    refund: async (id: string): Promise<RefundTokenResponse> =>
      refundTokenResponseSchema.parse(await this.call("POST", `/api/v1/tokens/${encodeURIComponent(id)}/refund`, { body: {} })),
  };

  // ---- billing -----------------------------------------------------------------------------
  /** My wallet, its transactions, prices, top-ups and receipts (see BillingApi). */
  readonly billing = new BillingApi((method, path, options) => this.call(method, path, options));

  // ---- proxy -------------------------------------------------------------------------------
  readonly proxy = {
    /**
     * A request to the upstream through the gated proxy; errors are the upstream's or ours. `path`
     * is root-relative without dot segments (plain or percent-encoded): anything else throws a
     * TypeError before any request, as it could carry the access token outside the proxy prefix.
     */
    fetch: async (accessToken: string, path: string, init: RequestInit = {}): Promise<Response> => {
      assertProxyPath(path);
      const headers = new Headers(init.headers);
      headers.set("X-Access-Token", accessToken);
      return this.fetchImpl(this.url(`/api/v1/proxy/${path.replace(/^\//, "")}`), { ...init, headers });
    },
    /** A WebSocket to the upstream through the proxy; `path` as for `fetch` (a TypeError otherwise). */
    websocket: (accessToken: string, path: string): WebSocket => {
      assertProxyPath(path);
      return new WebSocket(this.url(`/api/v1/proxy/${path.replace(/^\//, "")}`).replace(/^http/, "ws"), { headers: { "X-Access-Token": accessToken }, ca: this.options.ca });
    },
    /**
     * `POST /api/v1/proxy/launch`: a one-time URL that opens the application in a browser, at the
     * root of the deployment's app origin, landing on `path` (default `/`; root-relative).
     * Resolves `{ url, app_origin, expires_at }` (the URL works once, within `expires_at`, at most
     * 60 s). The call validates the token, so it starts the token's clock if it had not started.
     *
     * Rejects with `TollgateError`: 401 `TOKEN_MISSING` / `TOKEN_INVALID` / `TOKEN_EXPIRED` /
     * `TOKEN_REVOKED`, 404 `APP_ORIGIN_NOT_CONFIGURED` (this deployment serves the upstream under
     * the path prefix only; the token is not checked then), 422 `VALIDATION_ERROR` for a path that
     * is not root-relative.
     */
    launchUrl: async (accessToken: string, options: { path?: string } = {}): Promise<ProxyLaunchResponse> =>
      proxyLaunchResponseSchema.parse(
        await this.call("POST", "/api/v1/proxy/launch", {
          body: options.path === undefined ? {} : { path: options.path },
          anonymous: true,
          headers: { "X-Access-Token": accessToken },
        }),
      ),
  };

  // ---- games -------------------------------------------------------------------------------
  /** Games, invitations by username, matchmaking, ratings and the live game socket (see GamesApi). */
  readonly games = new GamesApi(
    (method, path, options) => this.call(method, path, options),
    (options) =>
      new GameSocket({ url: this.url("/ws/game").replace(/^http/, "ws"), token: () => this.auth.accessToken(), heartbeatMs: 15_000, reconnect: true, maxBackoffMs: 5_000, ca: this.options.ca, ...options }),
  );

  // ---- users -------------------------------------------------------------------------------
  readonly users = {
    /**
     * Another user by username (case-insensitive): `{ id, username }`, e.g. to name them as an
     * opponent in `games.create(id)`. Rejects with `TollgateError` 404 `USER_NOT_FOUND` (no such
     * user, or a disabled one), 422 `VALIDATION_ERROR` (not a possible username), 401 when not
     * logged in.
     */
    byUsername: async (username: string): Promise<UserLookupResponse> =>
      userLookupResponseSchema.parse(await this.call("GET", `/api/v1/users/by-username/${encodeURIComponent(username)}`, {})),
  };

  // ---- account -----------------------------------------------------------------------------
  /** My sessions, e-mail verification and password reset (see AccountApi). */
  readonly account = new AccountApi((method, path, options) => this.call(method, path, options), {
    refresh: () => this.refreshIfLoggedIn(),
    currentId: async () => {
      const current = await this.store.load();
      return current && sessionIdOf(current.accessToken);
    },
    forget: async () => this.store.save(undefined),
  });

  // ---- admin -------------------------------------------------------------------------------
  /** The administration API, for accounts with the role `admin` (see AdminApi). */
  readonly admin = new AdminApi((method, path, body) => this.call(method, path, { body }));

  // ---- mfa ---------------------------------------------------------------------------------
  /** The signed-in user's second factor: TOTP enrolment, recovery codes, turning it off (see MfaApi). */
  readonly mfa = new MfaApi((method, path, body) => this.call(method, path, { body }));

  // ---- plumbing ----------------------------------------------------------------------------
  private url(path: string): string {
    return `${this.options.baseUrl.replace(/\/$/, "")}${path}`;
  }

  private async session(): Promise<StoredSession> {
    const current = await this.store.load();
    if (!current) throw new TollgateError(401, clientErrorCodes.NOT_LOGGED_IN, "log in first");
    if (current.accessExpiresAt - Date.now() > this.margin) return current;
    this.refreshing ??= this.refresh(current).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** A new access token now, when logged in (the account changed, so its claims are read again). */
  private async refreshIfLoggedIn(): Promise<void> {
    const current = await this.store.load();
    if (!current) return;
    this.refreshing ??= this.refresh(current).finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  private async refresh(current: StoredSession): Promise<StoredSession> {
    const res = await this.fetchImpl(this.url("/api/v1/auth/refresh"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": this.options.userAgent ?? "tollgate-sdk" },
      body: JSON.stringify({ refresh_token: current.refreshToken }),
    });
    if (!res.ok) {
      const error = await TollgateError.fromResponse(res);
      if (res.status === 401) await this.store.save(undefined);
      throw error;
    }
    const next = toStoredSession(tokenPairResponseSchema.parse(await res.json()));
    await this.store.save(next);
    return next;
  }

  private async call(
    method: string,
    path: string,
    { body, anonymous = false, headers: extra = {} }: { body?: unknown; anonymous?: boolean; headers?: Record<string, string> },
  ): Promise<unknown> {
    const headers: Record<string, string> = { "User-Agent": this.options.userAgent ?? "tollgate-sdk", ...extra };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (!anonymous) headers.Authorization = `Bearer ${(await this.session()).accessToken}`;
    const res = await fetchWithSafeRetry(this.fetchImpl, this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw await TollgateError.fromResponse(res);
    // 204, and 202 without a body (a mail on its way): nothing to parse.
    const text = await res.text();
    return text === "" ? undefined : JSON.parse(text);
  }
}
