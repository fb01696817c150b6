import { Counter, Gauge, type HttpMetrics } from "@tollgate/service-kit";

/**
 * The proxy's own series, in the registry with the HTTP, process and kit ones (breaker states
 * come from service-kit's `exposeBreakerState`, as in every service).
 */
export function createProxyMetrics(http: HttpMetrics) {
  const registers = [http.registry];
  const validations = new Counter({ name: "proxy_token_validations_total", help: "Token validations answered, by tier (memory, redis, token_service)", labelNames: ["tier"], registers });
  for (const tier of ["memory", "redis", "token_service"]) validations.inc({ tier }, 0);
  return {
    registry: http.registry,
    validations,
    tunnelsOpen: new Gauge({ name: "proxy_websocket_tunnels_open", help: "Open WebSocket tunnels", registers }),
  };
}
export type ProxyMetrics = ReturnType<typeof createProxyMetrics>;
