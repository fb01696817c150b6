import { errorBodySchema, errorCodes, type ErrorBody, type ErrorCode } from "@tollgate/contracts";

/**
 * Codes the SDK gives its own failures, where no server answered: beside the services' catalogue
 * (`errorCodes` in contracts), so a caller matches one vocabulary.
 */
export const clientErrorCodes = {
  NETWORK_ERROR: "NETWORK_ERROR",
  NOT_LOGGED_IN: "NOT_LOGGED_IN",
} as const;
export type ClientErrorCode = (typeof clientErrorCodes)[keyof typeof clientErrorCodes];

/** A code a `TollgateError` may carry: a catalogue code, the SDK's own, or `HTTP_<status>` when the body was not the standard one. */
export type KnownErrorCode = ErrorCode | ClientErrorCode;

/** Any non-2xx answer, carrying the standard error body when the server sent one. */
export class TollgateError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly body?: ErrorBody,
    options?: { cause?: unknown; issues?: readonly unknown[] },
  ) {
    super(detail, options);
    this.name = "TollgateError";
    this.issues = options?.issues ?? [];
  }

  /**
   * The body's `errors[]` as the server sent them, with any fields beyond `path` and `message`
   * (a top-up's range carries `minimum`, `maximum`, `currency`): parse one with its contracts schema.
   */
  readonly issues: readonly unknown[];

  get requestId(): string | undefined {
    return this.body?.request_id;
  }

  /**
   * No answer at all (refused, reset, DNS, TLS): status 0 and `NETWORK_ERROR`, the failure kept as
   * `cause`, and its innermost code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE…) in the message.
   */
  static network(url: string, cause: unknown): TollgateError {
    return new TollgateError(0, clientErrorCodes.NETWORK_ERROR, `could not reach ${url}${innermostCode(cause) ? `: ${innermostCode(cause)}` : ""}`, undefined, { cause });
  }

  static async fromResponse(res: Response): Promise<TollgateError> {
    const raw: unknown = await res.json().catch(() => undefined);
    const parsed = errorBodySchema.safeParse(raw);
    if (parsed.success && res.status === 402 && parsed.data.error_code === errorCodes.INSUFFICIENT_FUNDS) return new InsufficientFundsError(parsed.data);
    if (parsed.success && res.status === 409 && parsed.data.error_code === errorCodes.PRICE_CHANGED) return new PriceChangedError(parsed.data);
    const issues = (raw as { errors?: unknown } | undefined)?.errors;
    if (parsed.success) return new TollgateError(res.status, parsed.data.error_code, parsed.data.detail, parsed.data, { issues: Array.isArray(issues) ? issues : [] });
    return new TollgateError(res.status, `HTTP_${res.status}`, `the server answered ${res.status}`);
  }
}

/**
 * 402 `INSUFFICIENT_FUNDS`: the wallet cannot pay the price; nothing was debited and no token was
 * made. Top up (`billing.topUp`) and buy again; `billing.wallet()` and `billing.prices()` say by how much.
 */
export class InsufficientFundsError extends TollgateError {
  constructor(body: ErrorBody) {
    super(402, errorCodes.INSUFFICIENT_FUNDS, body.detail, body);
    this.name = "InsufficientFundsError";
  }
}

/**
 * 409 `PRICE_CHANGED`: the purchase named the price its buyer was shown (`priceId`) and the
 * duration's price changed since; nothing was debited and no token was made. Read
 * `billing.prices()` again, show the new price, and buy with its `price_id` (a new purchase).
 */
export class PriceChangedError extends TollgateError {
  constructor(body: ErrorBody) {
    super(409, errorCodes.PRICE_CHANGED, body.detail, body);
    this.name = "PriceChangedError";
  }
}

/** fetch wraps the socket's error (with its code) once or twice in causes. */
function innermostCode(error: unknown): string | undefined {
  let code: string | undefined;
  let current = error as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    if (typeof current.code === "string") code = current.code;
    current = current.cause as typeof current;
  }
  return code;
}
