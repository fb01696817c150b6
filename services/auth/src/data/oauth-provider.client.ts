import type { Jwk, Jwks } from "@tollgate/contracts";
import { AppError, DependencyUnavailableError, dependencyPolicy, isConnectionError, type DependencyPolicy, type Registry } from "@tollgate/service-kit";
import { z } from "zod";
import type { OAuthProviderConfig } from "../config";
import { oauthCodeRejectedError, oauthProviderError } from "../domain/auth-errors";

/** Where a provider's endpoints are: discovered for OpenID Connect, configured for plain OAuth 2.0. */
export interface ProviderEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string | undefined;
  jwksUri: string | undefined;
}

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  userinfo_endpoint: z.url().optional(),
  jwks_uri: z.url(),
});

export const providerTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, "must be Bearer"),
  id_token: z.string().min(1).optional(),
});
export type ProviderTokenResponse = z.infer<typeof providerTokenResponseSchema>;

const tokenErrorSchema = z.object({ error: z.string().regex(/^[\x20-\x7e]{1,64}$/) });

const providerJwkSchema = z.looseObject({ kty: z.string(), kid: z.string().optional(), use: z.string().optional(), alg: z.string().optional(), n: z.string().optional(), e: z.string().optional() });

/** A 5xx from the provider: it is up but failing, which counts against the breaker like a refused connection. */
class ProviderServerError extends Error {
  constructor(readonly status: number) {
    super(`provider answered ${status}`);
  }
}

const DISCOVERY_CACHE_MS = 60 * 60_000;

/**
 * HTTP to one sign-in provider. Every call runs through a cockatiel policy (per-attempt time-out,
 * retry only when the connection never opened, a breaker per provider): a provider that is down
 * costs a fast 503, never a queue of waiting sign-ins. A 4xx is the provider's verdict, not an outage.
 */
export class OAuthProviderClient {
  private readonly policy: DependencyPolicy;
  private discovered: { at: number; endpoints: Promise<ProviderEndpoints> } | undefined;

  constructor(
    readonly config: OAuthProviderConfig,
    options: { timeoutMs: number; registry?: Registry },
  ) {
    this.policy = dependencyPolicy({
      name: `sign-in provider ${config.name}`,
      timeoutMs: options.timeoutMs,
      retries: 2,
      isRetryable: isConnectionError,
      breakerThreshold: 5,
      halfOpenAfterMs: 10_000,
      // tollgate_circuit_breaker_state{dependency="sign_in_provider_<name>"}
      registry: options.registry,
    });
  }

  endpoints(): Promise<ProviderEndpoints> {
    const config = this.config;
    if (config.kind === "oauth2") return Promise.resolve({ authorizationEndpoint: config.authorizationUrl, tokenEndpoint: config.tokenUrl, userinfoEndpoint: config.userinfoUrl, jwksUri: undefined });
    if (this.discovered && Date.now() - this.discovered.at < DISCOVERY_CACHE_MS) return this.discovered.endpoints;
    const endpoints = this.getJson(`${config.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`).then((body) => {
      const parsed = discoverySchema.safeParse(body);
      if (!parsed.success) throw oauthProviderError(`provider ${config.name} published unusable discovery metadata`);
      // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
      if (parsed.data.issuer !== config.issuer) throw oauthProviderError(`provider ${config.name} discovery names another issuer`);
      return { authorizationEndpoint: parsed.data.authorization_endpoint, tokenEndpoint: parsed.data.token_endpoint, userinfoEndpoint: parsed.data.userinfo_endpoint, jwksUri: parsed.data.jwks_uri };
    });
    this.discovered = { at: Date.now(), endpoints };
    endpoints.catch(() => (this.discovered = undefined)); // a failure is not cached
    return endpoints;
  }

  /** Authorization code + PKCE verifier → tokens. A refused code (wrong verifier, reused, expired) is a 400 OAUTH_CODE_REJECTED. */
  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<ProviderTokenResponse> {
    const { tokenEndpoint } = await this.endpoints();
    const form = new URLSearchParams({ grant_type: "authorization_code", code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier, client_id: this.config.clientId, client_secret: this.config.clientSecret });
    const { status, body } = await this.send(tokenEndpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString() });
    if (status >= 400) {
      const error = tokenErrorSchema.safeParse(body);
      throw oauthCodeRejectedError(error.success ? error.data.error : `status ${status}`);
    }
    // GitHub answers 200 with an error body for a bad code.
    const refused = tokenErrorSchema.safeParse(body);
    if (refused.success) throw oauthCodeRejectedError(refused.data.error);
    const tokens = providerTokenResponseSchema.safeParse(body);
    if (!tokens.success) throw oauthProviderError(`provider ${this.config.name} answered the code exchange without a usable token`);
    return tokens.data;
  }

  async userinfo(accessToken: string): Promise<Record<string, unknown>> {
    const { userinfoEndpoint } = await this.endpoints();
    if (!userinfoEndpoint) return {};
    const { status, body } = await this.send(userinfoEndpoint, { method: "GET", headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } });
    if (status >= 400 || typeof body !== "object" || body === null || Array.isArray(body)) throw oauthProviderError(`provider ${this.config.name} refused the profile request (${status})`);
    return body as Record<string, unknown>;
  }

  /** The provider's RSA signing keys in the shape service-kit's JwksKeyStore caches (other key types are left out). */
  async jwks(): Promise<Jwks> {
    const { jwksUri } = await this.endpoints();
    if (!jwksUri) return { keys: [] };
    const body = z.object({ keys: z.array(z.unknown()) }).safeParse(await this.getJson(jwksUri));
    if (!body.success) throw oauthProviderError(`provider ${this.config.name} published an unusable JWKS`);
    const keys: Jwk[] = [];
    for (const entry of body.data.keys) {
      const jwk = providerJwkSchema.safeParse(entry);
      if (!jwk.success) continue;
      const { kty, kid, use, alg, n, e } = jwk.data;
      if (kty === "RSA" && kid && n && e && (use === undefined || use === "sig") && (alg === undefined || alg === "RS256")) keys.push({ kty: "RSA", kid, use: "sig", alg: "RS256", n, e });
    }
    return { keys };
  }

  private async getJson(url: string): Promise<unknown> {
    const { status, body } = await this.send(url, { method: "GET", headers: { accept: "application/json" } });
    if (status >= 400) throw oauthProviderError(`provider ${this.config.name} answered ${status} for ${new URL(url).pathname}`);
    return body;
  }

  private async send(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    try {
      return await this.policy.execute(async (signal) => {
        const response = await fetch(url, { ...init, signal, redirect: "error" });
        if (response.status >= 500) throw new ProviderServerError(response.status);
        const text = await response.text();
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        return { status: response.status, body };
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new DependencyUnavailableError(`sign-in provider ${this.config.name}`, { cause: error, retryAfterSeconds: 5 });
    }
  }
}
