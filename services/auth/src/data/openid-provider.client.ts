import { AppError, DependencyUnavailableError, dependencyPolicy, isConnectionError, type DependencyPolicy, type Registry } from "@tollgate/service-kit";
import { custom, errors, generators, Issuer, type BaseClient, type HttpOptions } from "openid-client";
import type { OAuthProviderConfig } from "../config";
import { InvalidIdTokenError, OAuthCodeRejectedError, OAuthProviderError, OAuthProviderNotFoundError } from "../domain/auth-errors";
import type { AuthorizationRequest, OAuthProviderDirectory, OAuthProviderPort, ProviderAnswer } from "../domain/oauth/oauth-provider.port";

const DISCOVERY_CACHE_MS = 60 * 60_000;
/** ID tokens: the provider's clock may differ from ours by this much. */
const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/** A 5xx from the provider: it is up but failing, which counts against the breaker like a refused connection. */
class ProviderServerError extends Error {
  constructor(readonly status: number) {
    super(`provider answered ${status}`);
  }
}

type Step = "discovery" | "code exchange" | "userinfo";

/**
 * One sign-in provider over openid-client: discovery (OpenID Connect) or three configured URLs
 * (plain OAuth 2.0), PKCE S256, the code exchange (client_secret_post), ID-token verification
 * (RS256 only, the provider's JWKS refetched on an unknown kid at most once a minute, iss, aud/azp,
 * exp/iat with 30 s of skew, nonce) and userinfo (same subject as the ID token).
 *
 * Every call runs through a cockatiel policy (per-attempt time-out, retry only when the connection
 * never opened, a breaker per provider): a provider that is down costs a fast 503, never a queue
 * of waiting sign-ins. A 4xx or an answer that fails a check is the provider's verdict, not an outage.
 */
export class OpenIdProviderClient implements OAuthProviderPort {
  readonly name: string;
  private readonly policy: DependencyPolicy;
  private readonly httpOptions: () => HttpOptions;
  private discovered: { at: number; client: Promise<BaseClient> } | undefined;

  constructor(
    private readonly config: OAuthProviderConfig,
    options: { timeoutMs: number; registry?: Registry },
  ) {
    this.name = config.name;
    // openid-client's own limit only ends a request the policy has already given up on.
    this.httpOptions = () => ({ timeout: options.timeoutMs + 1_000 });
    this.policy = dependencyPolicy({
      name: `sign-in provider ${config.name}`,
      timeoutMs: options.timeoutMs,
      retries: 2,
      isRetryable: isConnectionError,
      // An error answer or a failed check means the provider answered.
      isFailure: (error) => error instanceof ProviderServerError || !(error instanceof errors.OPError || error instanceof errors.RPError),
      breakerThreshold: 5,
      halfOpenAfterMs: 10_000,
      // tollgate_circuit_breaker_state{dependency="sign_in_provider_<name>"}
      registry: options.registry,
    });
  }

  async authorizationRequest(redirectUri: string): Promise<AuthorizationRequest> {
    const client = await this.client();
    const [state, codeVerifier, nonce] = [generators.state(), generators.codeVerifier(), generators.nonce()];
    const url = client.authorizationUrl({
      redirect_uri: redirectUri,
      scope: this.config.scopes.join(" "),
      state,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: "S256",
      ...(this.config.kind === "oidc" ? { nonce } : {}),
    });
    return { url, state, codeVerifier, nonce };
  }

  async exchange(input: { code: string; redirectUri: string; codeVerifier: string; nonce: string }): Promise<ProviderAnswer> {
    const client = await this.client();
    const oidc = this.config.kind === "oidc";
    const checks = { response_type: "code", code_verifier: input.codeVerifier, ...(oidc ? { nonce: input.nonce } : {}) };
    // The state was checked (and spent) before we got here, and it was stored with the provider it
    // was started for and came back on that provider's own callback path: that binding is what the
    // RFC 9207 `iss` parameter defends, so the expected issuer is supplied rather than relayed.
    const params = { code: input.code, ...(oidc ? { iss: client.issuer.metadata.issuer } : {}) };
    const tokens = await this.call("code exchange", () => (oidc ? client.callback(input.redirectUri, params, checks) : client.oauthCallback(input.redirectUri, params, checks)));
    // GitHub answers 200 with an error body for a bad code.
    const refused = (tokens as { error?: unknown }).error;
    if (typeof refused === "string") throw new OAuthCodeRejectedError(refused.slice(0, 64));
    if (!tokens.access_token || tokens.token_type?.toLowerCase() !== "bearer") throw new OAuthProviderError(`provider ${this.name} answered the code exchange without a usable token`);
    // Sent as "Bearer" whatever case the provider wrote it in (GitHub: "bearer"); some endpoints compare it exactly.
    const userinfo = client.issuer.metadata.userinfo_endpoint ? await this.call("userinfo", () => client.userinfo<Record<string, unknown>>(tokens, { tokenType: "Bearer" })) : {};
    return { idTokenClaims: oidc ? { ...tokens.claims() } : undefined, userinfo };
  }

  /** The openid-client Client: discovered (cached an hour, a failure not cached) or built from the configured URLs. */
  private client(): Promise<BaseClient> {
    const config = this.config;
    if (this.discovered && Date.now() - this.discovered.at < DISCOVERY_CACHE_MS) return this.discovered.client;
    const issuer =
      config.kind === "oauth2"
        ? Promise.resolve(new Issuer({ issuer: new URL(config.authorizationUrl).origin, authorization_endpoint: config.authorizationUrl, token_endpoint: config.tokenUrl, userinfo_endpoint: config.userinfoUrl }))
        : this.discover(config.issuer);
    const client = issuer.then((found) => {
      found[custom.http_options] = this.httpOptions;
      const built = new found.Client({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "RS256",
        response_types: ["code"],
      });
      built[custom.http_options] = this.httpOptions;
      built[custom.clock_tolerance] = ID_TOKEN_CLOCK_TOLERANCE_SECONDS;
      return built;
    });
    this.discovered = { at: Date.now(), client };
    client.catch(() => (this.discovered = undefined)); // a failure is not cached
    return client;
  }

  private async discover(issuerUrl: string): Promise<Issuer<BaseClient>> {
    // A subclass per provider, so that discovery (a static call) gets this provider's time limit.
    const ProviderIssuer = class extends Issuer<BaseClient> {};
    ProviderIssuer[custom.http_options] = this.httpOptions;
    const found = await this.call("discovery", () => ProviderIssuer.discover(issuerUrl));
    const { issuer, authorization_endpoint, token_endpoint, jwks_uri } = found.metadata;
    if (![authorization_endpoint, token_endpoint, jwks_uri].every((url) => typeof url === "string" && URL.canParse(url))) {
      throw new OAuthProviderError(`provider ${this.name} published unusable discovery metadata`);
    }
    // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
    if (issuer !== issuerUrl) throw new OAuthProviderError(`provider ${this.name} discovery names another issuer`);
    return found;
  }

  /** One step against the provider under the policy, its failures turned into our errors. */
  private async call<T>(step: Step, work: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(async () => {
        try {
          return await work();
        } catch (error) {
          const status = error instanceof errors.OPError ? error.response?.statusCode : undefined;
          throw status !== undefined && status >= 500 ? new ProviderServerError(status) : error;
        }
      });
    } catch (error) {
      throw this.translate(step, error);
    }
  }

  private translate(step: Step, error: unknown): unknown {
    if (error instanceof AppError) return error;
    if (error instanceof errors.OPError) {
      if (step === "code exchange") return new OAuthCodeRejectedError(String(error.error).slice(0, 64));
      return new OAuthProviderError(`provider ${this.name} answered ${error.response?.statusCode ?? "an error"} to the ${step}`);
    }
    if (error instanceof errors.RPError && /timed out/.test(error.message)) return new DependencyUnavailableError(`sign-in provider ${this.name}`, { cause: error, retryAfterSeconds: 5 });
    // In the code exchange the checks that fail are the ID token's (signature, iss, aud, exp, nonce, …).
    if (error instanceof errors.RPError) return step === "code exchange" ? new InvalidIdTokenError(error.message) : new OAuthProviderError(`provider ${this.name} failed the ${step} check: ${error.message}`);
    if (error instanceof TypeError && /id_token not present/.test(error.message)) return new OAuthProviderError(`provider ${this.name} returned no ID token`);
    if (error instanceof SyntaxError) return new OAuthProviderError(`provider ${this.name} answered the ${step} with a body that is not JSON`);
    return new DependencyUnavailableError(`sign-in provider ${this.name}`, { cause: error, retryAfterSeconds: 5 });
  }
}

/** The configured providers by name; an unknown name is 404. `registry`: where each provider's breaker state is exposed. */
export class OAuthProviders implements OAuthProviderDirectory {
  private readonly byName: Map<string, OpenIdProviderClient>;

  constructor(configs: readonly OAuthProviderConfig[], options: { timeoutMs: number; registry?: Registry }) {
    this.byName = new Map(configs.map((config) => [config.name, new OpenIdProviderClient(config, options)]));
  }

  get(name: string): OpenIdProviderClient {
    const provider = this.byName.get(name);
    if (!provider) throw new OAuthProviderNotFoundError();
    return provider;
  }
}
