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
  type CircuitBreakerPolicy,
  type IDefaultPolicyContext,
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
  /** Extra attempts for errors `isRetryable` accepts (0 = none). A time-out is never retried. */
  retries: number;
  /** Which errors may be retried: only those where a repeat cannot do harm (e.g. the connection never opened). */
  isRetryable: (error: unknown) => boolean;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one half-open probe. */
  halfOpenAfterMs: number;
  /**
   * Further errors that mean "the dependency answered" (e.g. a 4xx the caller mapped to its own
   * error class). Whatever this says, `isDependencyFailure`'s rule applies first.
   */
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
 * The rule for every breaker in the code base: only a dependency's failure counts against it (a
 * 5xx, a time-out, a connection error). An error that carries a 4xx status (an `AppError` such as
 * a token's rejection, or any error with a numeric `statusCode`/`status` below 500) is the
 * dependency answering, so no client can open a breaker for everyone by sending what it refuses.
 */
export function isDependencyFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return true;
  const { statusCode, status } = error as { statusCode?: unknown; status?: unknown };
  const code = typeof statusCode === "number" ? statusCode : status;
  return !(typeof code === "number" && code >= 400 && code < 500);
}

/**
 * `breaker.execute(fn)`, except while the breaker's half-open probe is in flight: then the call
 * fails at once with `BrokenCircuitError`. cockatiel makes every other caller wait for the probe,
 * so with the token service frozen each probe held every request up to its 2 s time-out (#17);
 * one probe is enough to learn whether the dependency is back.
 */
export function executeUnlessProbing<T>(breaker: CircuitBreakerPolicy, fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> {
  if (breaker.state === CircuitState.HalfOpen) return Promise.reject(new BrokenCircuitError("a half-open probe is in flight"));
  return breaker.execute(fn, signal);
}

/**
 * retry( breaker( timeout( call ) ) ): each attempt has its own time limit; every failed attempt
 * counts toward the breaker; retries happen only for errors `isRetryable` accepts (never for a
 * time-out: the request may have reached a dependency that is merely slow, and a second wait
 * doubled the time to the 503, 4.07 s instead of 2 s with the token service frozen, #17), never once the breaker is open,
 * and never while a half-open probe is in flight, so a dead dependency costs one fast 503 rather
 * than a queue of waiting requests.
 */
export function dependencyPolicy(options: DependencyPolicyOptions): DependencyPolicy {
  const isFailure = options.isFailure ?? (() => true);
  const breaker = circuitBreaker(
    handleWhen((error) => isDependencyFailure(error) && isFailure(error)),
    { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
  );
  const attemptTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const retryPolicy: IPolicy = options.retries > 0
    ? retry(
        handleWhen((error) => !(error instanceof BrokenCircuitError) && !(error instanceof TaskCancelledError) && options.isRetryable(error)),
        { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }) },
      )
    : noop;
  if (options.registry) exposeBreakerState(options.registry, dependencyLabel(options.name), breaker);
  const retryAfterSeconds = Math.max(1, Math.ceil(options.halfOpenAfterMs / 1000));
  return {
    breaker,
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
      try {
        return await retryPolicy.execute(({ signal }) =>
          executeUnlessProbing(breaker, ({ signal: attemptSignal }) => attemptTimeout.execute(({ signal: timedSignal }) => timed(fn, timedSignal), attemptSignal), signal),
        );
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

/** An attempt that ends because its time ran out is a time-out, whichever error `fn` itself rejected with on the abort (fetch: an AbortError). */
async function timed<T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await fn(signal);
  } catch (error) {
    if (signal.aborted) throw new TaskCancelledError("the attempt ran out of time");
    throw error;
  }
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
