import { serviceTokenResponseSchema } from "@tollgate/contracts";
import { DependencyUnavailableError } from "../errors";

export interface ServiceTokenProviderOptions {
  authUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who asks, as the refusal names it: "the proxy" → "auth service refused the proxy's service credentials". */
  caller: string;
  timeoutMs?: number;
}

/**
 * A service's own service token (client credentials), fetched from the auth service and reused
 * until shortly before it expires. Concurrent callers share one fetch.
 */
export class ServiceTokenProvider {
  private current: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly options: ServiceTokenProviderOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return this.current.token;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forget the cached token (the service it was sent to refused it). */
  invalidate(): void {
    this.current = undefined;
  }

  private async fetchToken(): Promise<string> {
    let res: Response;
    try {
      res = await fetch(new URL("/api/v1/auth/service-token", this.options.authUrl), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: this.options.clientId, client_secret: this.options.clientSecret }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000),
      });
    } catch (error) {
      throw new DependencyUnavailableError("auth service", { cause: error });
    }
    if (!res.ok) throw new DependencyUnavailableError("auth service", { detail: `auth service refused ${this.options.caller}'s service credentials (${res.status})` });
    const body = serviceTokenResponseSchema.parse(await res.json());
    // Refresh at 80% of the lifetime so a token never expires in flight.
    this.current = { token: body.access_token, refreshAt: this.now() + body.expires_in * 800 };
    return body.access_token;
  }
}
