import { TollgateError } from "./errors";

/** The pause before a safe request that got no answer is sent again. */
const SAFE_RETRY_DELAY_MS = 100;

/**
 * One request through `fetchImpl` (which turns "no answer" into `TollgateError` status 0). A safe
 * request (GET, HEAD) that got no answer at all — typically a kept-alive connection the gateway
 * closed as it reloaded, just as the request went out — is sent once more after 100 ms: RFC 9110
 * §9.2.2 lets a client repeat an idempotent request automatically, and a safe one changes nothing
 * on the server. Anything else, and any answer (even a 5xx), is returned or thrown as it came.
 * Throws `TollgateError` status 0 (NETWORK_ERROR) when the repeat gets no answer either.
 */
export async function fetchWithSafeRetry(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    const safe = init.method === "GET" || init.method === "HEAD";
    if (!safe || !(error instanceof TollgateError) || error.status !== 0) throw error;
    await new Promise((resolve) => setTimeout(resolve, SAFE_RETRY_DELAY_MS));
    return fetchImpl(url, init);
  }
}
