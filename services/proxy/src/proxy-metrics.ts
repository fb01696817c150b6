import type { HttpMetrics } from "@tollgate/service-kit";
import { Counter, Gauge } from "prom-client";

export function createProxyMetrics(http: HttpMetrics) {
  const registers = [http.registry];
  return {
    validations: new Counter({ name: "proxy_token_validations_total", help: "Token validations answered, by tier", labelNames: ["tier"], registers }),
    tunnelsOpen: new Gauge({ name: "proxy_websocket_tunnels_open", help: "Open WebSocket tunnels", registers }),
    breakerOpen: new Gauge({ name: "proxy_breaker_open", help: "1 while a breaker is open (or half-open), by dependency", labelNames: ["dependency"], registers }),
  };
}
export type ProxyMetrics = ReturnType<typeof createProxyMetrics>;
