import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
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
import { Gauge, type Registry } from "prom-client";
import { BreakerOpenError, DependencyUnavailableError } from "./errors";
import { sharedMetric } from "./http/metrics";

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
  /** The service's registry: the breaker's state is exposed there (see `exposeBreakerState`), labelled `dependencyLabel(name)`. */
  registry?: Registry;
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
  if (options.registry) exposeBreakerState(options.registry, dependencyLabel(options.name), breaker);
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

export const BREAKER_STATE_METRIC = "tollgate_circuit_breaker_state";

/** The gauge's value for a cockatiel state: 0 closed, 0.5 half-open (one probe in flight), 1 open or held open. */
export function breakerStateValue(state: CircuitState): number {
  if (state === CircuitState.Closed) return 0;
  return state === CircuitState.HalfOpen ? 0.5 : 1;
}

/** A breaker's name as a label value: "token service" → "token_service". */
export function dependencyLabel(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * Exposes a breaker as `tollgate_circuit_breaker_state{dependency}` in `registry`, with a sample
 * from now on (a gauge set only on a change has no series until the first trip, which reads as a
 * missing exporter) and a new value on every change. cockatiel leaves an open breaker open until
 * a call arrives after its half-open delay, so 1 can outlast that delay on an idle path. Every
 * breaker goes through this, whether `dependencyPolicy` built it or not. Returns a function that
 * stops following the breaker.
 */
export function exposeBreakerState(registry: Registry, dependency: string, breaker: CircuitBreakerPolicy): () => void {
  const gauge = sharedMetric(
    registry,
    BREAKER_STATE_METRIC,
    () =>
      new Gauge({
        name: BREAKER_STATE_METRIC,
        help: "Circuit breaker state by dependency: 0 closed, 0.5 half-open, 1 open",
        labelNames: ["dependency"],
        registers: [registry],
      }),
  ) as Gauge<"dependency">;
  gauge.set({ dependency }, breakerStateValue(breaker.state));
  const listener = breaker.onStateChange((state) => gauge.set({ dependency }, breakerStateValue(state)));
  return () => listener.dispose();
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
