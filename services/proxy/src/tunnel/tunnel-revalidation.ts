import { TokenRejectedError } from "@tollgate/service-kit";
import type { TokenValidator } from "../domain/token-validator";
import type { TunnelRegistry } from "./tunnel-registry";

/**
 * Open tunnels live past any one request, so every `everyMs` each token with a tunnel is validated
 * again like a request (cached grants within GRANT_MAX_AGE, the token service past half of it): a
 * token refused then closes its tunnels with 4401, whether or not a revocation event arrived. A
 * token service that cannot answer leaves them open (the HTTP side answers 503 meanwhile).
 * Returns a function that stops it.
 */
export function revalidateTunnels(tunnels: TunnelRegistry, validator: TokenValidator, everyMs: number): () => void {
  const timer = setInterval(() => {
    for (const hash of tunnels.tokenHashes()) {
      validator.validateHash(hash).catch((error: unknown) => {
        if (error instanceof TokenRejectedError) tunnels.closeByToken(hash, error.code === "TOKEN_EXPIRED" ? "TOKEN_EXPIRED" : "TOKEN_REVOKED");
      });
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
