import { errorBodySchema, tokenErrorCodes, validateTokenResponseSchema, type ValidateTokenRequest } from "@tollgate/contracts";
import { type AccessTokenRejection, AppError, type DependencyPolicy, dependencyPolicy, DependencyUnavailableError, isConnectionError, type ServiceTokenProvider, TokenRejectedError } from "@tollgate/service-kit";
import type { Grant } from "../domain/grant";

const REJECTIONS = new Set<string>([tokenErrorCodes.TOKEN_INVALID, tokenErrorCodes.TOKEN_EXPIRED, tokenErrorCodes.TOKEN_REVOKED]);

/** The token service refused our request (a 4xx other than a token's rejection): it is up and answering. */
class TokenServiceRefusal extends Error {}

/**
 * The token service answered, and the answer is no (a rejection, or any other 4xx): not a failure
 * of the dependency. Only 5xx, time-outs and connection errors count against the breaker, so no
 * client can open it for everyone by sending requests the service refuses.
 */
const isAnswer = (error: unknown) => error instanceof TokenRejectedError || error instanceof TokenServiceRefusal;

export interface TokenServiceClientOptions {
  baseUrl: string;
  serviceTokens: ServiceTokenProvider;
  timeoutMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
}

/**
 * `POST /internal/v1/tokens/validate` behind timeout + retry (connection errors only: the request
 * never reached the service, so repeating it cannot activate twice) + breaker.
 */
export class TokenServiceClient {
  readonly policy: DependencyPolicy;

  constructor(private readonly options: TokenServiceClientOptions) {
    this.policy = dependencyPolicy({
      name: "token service",
      timeoutMs: options.timeoutMs,
      retries: 2,
      isRetryable: isConnectionError,
      breakerThreshold: options.breakerThreshold,
      halfOpenAfterMs: options.halfOpenAfterMs,
      isFailure: (error) => !isAnswer(error),
    });
  }

  /** By the plaintext access token. */
  validate(token: string): Promise<Grant> {
    return this.execute({ token });
  }

  /** By the token's SHA-256 in hex (an app session's binding). */
  validateHash(tokenSha256: string): Promise<Grant> {
    return this.execute({ token_sha256: tokenSha256 });
  }

  private async execute(body: ValidateTokenRequest): Promise<Grant> {
    try {
      return await this.policy.execute((signal) => this.call(body, signal, true));
    } catch (error) {
      if (error instanceof AppError) throw error;
      // Connection refused, a malformed answer, a 5xx: fail closed with a 503.
      throw new DependencyUnavailableError("token service", { cause: error, retryAfterSeconds: 2 });
    }
  }

  private async call(request: ValidateTokenRequest, signal: AbortSignal, mayRetryAuth: boolean): Promise<Grant> {
    const res = await fetch(new URL("/internal/v1/tokens/validate", this.options.baseUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await this.options.serviceTokens.token()}` },
      body: JSON.stringify(request),
      signal,
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const granted = validateTokenResponseSchema.parse(body);
      return { tokenId: granted.token_id, userId: granted.user_id, expiresAt: Date.parse(granted.expires_at) };
    }
    const error = errorBodySchema.safeParse(body);
    const code = error.success ? error.data.error_code : undefined;
    if (res.status === 401 && code && REJECTIONS.has(code)) throw new TokenRejectedError(code as AccessTokenRejection);
    if ((res.status === 401 || res.status === 403) && mayRetryAuth) {
      // Our own service token was refused (expired, keys rotated): fetch a new one once.
      this.options.serviceTokens.invalidate();
      return this.call(request, signal, false);
    }
    if (res.status === 422) throw new TokenRejectedError(tokenErrorCodes.TOKEN_INVALID);
    if (res.status >= 400 && res.status < 500) throw new TokenServiceRefusal(`token service answered ${res.status}${code ? ` ${code}` : ""}`);
    throw new Error(`token service answered ${res.status}${code ? ` ${code}` : ""}`);
  }
}
