import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  noop,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from "cockatiel";
import { BreakerOpenError, DependencyUnavailableError } from "./errors";

export interface DependencyPolicyOptions {
  /** Name used in errors and metrics, e.g. "token service". */
  name: string;
  /** Per-attempt time limit. */
  timeoutMs: number;
  /** Extra attempts for errors `isRetryable` accepts (0 = none). */
  retries: number;
  /** Which errors may be retried: only those where a repeat cannot do harm (e.g. the connection never opened). */
  isRetryable: (error: unknown) => boolean;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one half-open probe. */
  halfOpenAfterMs: number;
  /** Errors that mean "the dependency answered" and must not count against the breaker (e.g. a 4xx). */
  isFailure?: (error: unknown) => boolean;
}

export interface DependencyPolicy {
  /** Runs `fn`; maps an open breaker and a time-out to 503 errors. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  breaker: CircuitBreakerPolicy;
}

/**
 * retry( breaker( timeout( call ) ) ): each attempt has its own time limit; every failed attempt
 * counts toward the breaker; retries happen only for retryable errors and never once the breaker
 * is open, so a dead dependency costs one fast 503 rather than a queue of waiting requests.
 */
export function dependencyPolicy(options: DependencyPolicyOptions): DependencyPolicy {
  const isFailure = options.isFailure ?? (() => true);
  const breaker = circuitBreaker(handleWhen(isFailure), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const attemptTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const retryPolicy: IPolicy = options.retries > 0
    ? retry(
        handleWhen((error) => !(error instanceof BrokenCircuitError) && (error instanceof TaskCancelledError || options.isRetryable(error))),
        { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }) },
      )
    : noop;
  const policy = wrap(retryPolicy, breaker, attemptTimeout);
  const retryAfterSeconds = Math.max(1, Math.ceil(options.halfOpenAfterMs / 1000));
  return {
    breaker,
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
      try {
        return await policy.execute(({ signal }) => fn(signal));
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new BreakerOpenError(options.name, { retryAfterSeconds });
        if (error instanceof TaskCancelledError) {
          throw new DependencyUnavailableError(options.name, { cause: error, retryAfterSeconds: 1, detail: `${options.name} did not answer in time` });
        }
        throw error;
      }
    },
  };
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

/** True for errors raised before a request could have reached the other side (safe to retry). */
export function isConnectionError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
