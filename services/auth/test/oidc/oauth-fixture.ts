import type { AuthClients } from "../../src/app";
import { call, type AuthFixture, type Canaries, startAuth } from "../support";
import { startTestOidcProvider, type TestOidcProvider } from "./test-oidc-provider";

export const PROVIDER = "idp";
export const CLIENT_ID = "tollgate-test-client";
/** Only in the auth service's config and the provider's client registration; never in a log. */
export const CLIENT_SECRET = "canary-oauth-client-secret-5d21c9e0";
/** A desktop client's loopback listener; the allow-list entry has no port. */
export const REDIRECT_URI = "http://127.0.0.1:53124/callback";

export interface OAuthFixture {
  fx: AuthFixture;
  idp: TestOidcProvider;
  /** authorize → provider login/consent → code and state, as a desktop client would see them. */
  authorize(accountId: string, options?: { token?: string }): Promise<{ code: string; state: string }>;
  /** authorize + callback: the whole sign-in. */
  signIn(accountId: string, options?: { token?: string }): Promise<Awaited<ReturnType<typeof call>>>;
  close(): Promise<void>;
}

let accountCounter = 0;
/** A provider account id unique to this run. */
export const newSubject = (): string => `person-${Date.now().toString(36)}-${(accountCounter++).toString(36)}`;

/** The test provider and an auth service configured with it (OpenID Connect, discovery from its issuer). */
export async function startOAuth(canaries: Canaries, deps: Pick<AuthClients, "hasher"> = {}): Promise<OAuthFixture> {
  canaries.add(CLIENT_SECRET);
  const idp = await startTestOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: ["http://127.0.0.1/callback"] });
  const fx = await startAuth({
    OAUTH_PROVIDERS: PROVIDER,
    OAUTH_IDP_CLIENT_ID: CLIENT_ID,
    OAUTH_IDP_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH_IDP_ISSUER: idp.issuer,
    OAUTH_REDIRECT_URIS: "http://127.0.0.1/callback,https://app.example.test/oauth/done",
    OAUTH_HTTP_TIMEOUT_MS: "2000",
  }, deps);
  const authorize = async (accountId: string, options: { token?: string } = {}) => {
    const started = await fetch(`${fx.baseUrl}/api/v1/auth/oauth/${PROVIDER}/authorize?redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, {
      redirect: "manual",
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    });
    if (started.status !== 302) throw new Error(`authorize answered ${started.status}: ${await started.text()}`);
    const { code, state } = await idp.authorizeInBrowser(started.headers.get("location") ?? "", accountId);
    canaries.add(code);
    return { code, state };
  };
  return {
    fx,
    idp,
    authorize,
    async signIn(accountId, options) {
      const { code, state } = await authorize(accountId, options);
      const answer = await call(fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?code=${encodeURIComponent(code)}&state=${state}`);
      canaries.addTokens(answer.body);
      return answer;
    },
    async close() {
      await fx.close();
      await idp.close();
    },
  };
}
