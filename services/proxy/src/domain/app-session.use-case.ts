import { accessTokenHash } from "@tollgate/service-kit";
import { createHash, randomBytes } from "node:crypto";
import { appOriginPaths, type ProxyLaunchResponse } from "@tollgate/contracts";
import { LRUCache } from "lru-cache";
import { AppSessionInvalidError, LaunchTicketInvalidError, type AppSessionBinding, type AppSessionStore } from "./app-session";
import type { Grant } from "./grant";
import type { TokenValidator } from "./token-validator";

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");
/** 32 random bytes, base64url: 256 bits, as OWASP's session management guidance asks at least 64. */
const newSecret = () => randomBytes(32).toString("base64url");
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** A session's binding is immutable, so it may be remembered briefly; the token is checked every time. */
const BINDING_CACHE_MS = 5_000;

export interface AppSessionUseCasesOptions {
  validator: TokenValidator;
  store: AppSessionStore;
  /** e.g. http://app.localhost:8080 */
  appOrigin: string;
  ticketTtlMs: number;
  now?: () => number;
}

export interface OpenedAppSession {
  /** The cookie's value. */
  sessionId: string;
  /** Until the token expires, seconds. */
  maxAgeSeconds: number;
  /** Where to send the browser. */
  path: string;
}

/**
 * Browser sign-in for the app origin: a launch ticket (single use, bound to one access token, at
 * most 60 s) becomes an app session named by an HttpOnly cookie. Every request of the session
 * validates its token again (in memory almost always), so revocation, a disabled user and expiry
 * end it exactly as they end the token; the session's own record never outlives the token.
 */
export class AppSessionUseCases {
  private readonly bindings: LRUCache<string, AppSessionBinding>;
  private readonly now: () => number;

  constructor(private readonly options: AppSessionUseCasesOptions) {
    this.now = options.now ?? Date.now;
    this.bindings = new LRUCache({ max: 50_000, ttl: BINDING_CACHE_MS });
  }

  /** `POST /api/v1/proxy/launch`: validates (and on first use activates) the token, issues a ticket. */
  async launch(token: string, path = "/"): Promise<ProxyLaunchResponse> {
    const grant = await this.options.validator.validate(token);
    const ticket = newSecret();
    const ttlMs = Math.min(this.options.ticketTtlMs, grant.expiresAt - this.now());
    await this.options.store.saveTicket(sha256(ticket), { ...binding(accessTokenHash(token), grant, this.options.appOrigin), path }, Math.max(ttlMs, 1));
    return {
      url: `${this.options.appOrigin}${appOriginPaths.launch}?ticket=${ticket}`,
      app_origin: this.options.appOrigin,
      expires_at: new Date(this.now() + ttlMs).toISOString(),
    };
  }

  /** Redeems a ticket once; its token must still be valid. Throws `LaunchTicketInvalidError`. */
  async open(ticket: string | undefined): Promise<OpenedAppSession> {
    if (!ticket || !SECRET_SHAPE.test(ticket)) throw new LaunchTicketInvalidError();
    const taken = await this.options.store.takeTicket(sha256(ticket));
    // Several gated apps may share one Redis: a ticket opens only the app it was issued for.
    if (!taken || taken.appOrigin !== this.options.appOrigin) throw new LaunchTicketInvalidError();
    const grant = await this.options.validator.validateHash(taken.tokenSha256);
    const ttlMs = grant.expiresAt - this.now();
    if (ttlMs <= 0) throw new LaunchTicketInvalidError();
    const sessionId = newSecret();
    await this.options.store.saveSession(sha256(sessionId), binding(taken.tokenSha256, grant, this.options.appOrigin), ttlMs);
    return { sessionId, maxAgeSeconds: Math.floor(ttlMs / 1000), path: taken.path };
  }

  /** The grant behind a session cookie, or `AppSessionInvalidError`; token refusals pass through. */
  async authenticate(sessionId: string | undefined): Promise<{ grant: Grant; tokenSha256: string }> {
    if (!sessionId || !SECRET_SHAPE.test(sessionId)) throw new AppSessionInvalidError();
    const key = sha256(sessionId);
    let found = this.bindings.get(key);
    if (!found) {
      found = await this.options.store.findSession(key);
      if (!found) throw new AppSessionInvalidError();
      this.bindings.set(key, found);
    }
    if (found.expiresAt <= this.now() || found.appOrigin !== this.options.appOrigin) throw new AppSessionInvalidError();
    return { grant: await this.options.validator.validateHash(found.tokenSha256), tokenSha256: found.tokenSha256 };
  }

  async close(sessionId: string | undefined): Promise<void> {
    if (!sessionId || !SECRET_SHAPE.test(sessionId)) return;
    const key = sha256(sessionId);
    this.bindings.delete(key);
    await this.options.store.deleteSession(key);
  }
}

function binding(tokenSha256: string, grant: Grant, appOrigin: string): AppSessionBinding {
  return { tokenSha256, tokenId: grant.tokenId, userId: grant.userId, expiresAt: grant.expiresAt, appOrigin };
}
