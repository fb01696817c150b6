import { errorBodySchema, type ErrorBody } from "@tollgate/contracts";

/** Any non-2xx answer, carrying the standard error body when the server sent one. */
export class TollgateError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly body?: ErrorBody,
  ) {
    super(detail);
    this.name = "TollgateError";
  }

  get requestId(): string | undefined {
    return this.body?.request_id;
  }


  static async fromResponse(res: Response): Promise<TollgateError> {
    const parsed = errorBodySchema.safeParse(await res.json().catch(() => undefined));
    if (parsed.success) return new TollgateError(res.status, parsed.data.error_code, parsed.data.detail, parsed.data);
    return new TollgateError(res.status, `HTTP_${res.status}`, `the server answered ${res.status}`);
  }
}
