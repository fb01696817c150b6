import { TollgateError } from "../errors";
import type { TollgateClient } from "../tollgate-client";
import { ENDING_CODES, isEndingTokenCode, type ConnectorEnd } from "./access-watch";
import { appRoute, prefixRoute, type RemoteRoute } from "./remote-route";

/** Where the connector forwards to, and how it asks whether the token still opens the gate. */
export interface RemoteAccess {
  route: RemoteRoute;
  /** The end of access the proxy reports (401 with an ending code), or undefined. Throws when it cannot tell. */
  probe(): Promise<ConnectorEnd | undefined>;
}

const endOf = (error: unknown): ConnectorEnd | undefined => {
  if (!(error instanceof TollgateError) || error.status !== 401) return undefined;
  const reason = isEndingTokenCode(error.code) ? ENDING_CODES[error.code] : undefined;
  return reason ? { reason, code: error.code } : undefined;
};

/**
 * One launch call says where the application lives: 201 → its app origin (the launch ticket is
 * not used); 404 `APP_ORIGIN_NOT_CONFIGURED` → the deployment has none, and the connector falls
 * back to the gateway's path prefix. Any other refusal (a 401 for a revoked, expired or unknown
 * token) is thrown as the `TollgateError` it is.
 *
 * The probe repeats the call that validates the token on each side: the launch call on the app
 * origin; in prefix mode, where the launch call answers 404 before it looks at the token, a
 * `GET <prefix>/` (safe, RFC 9110 §9.2.1) whose 401 carries the token's error code.
 */
export async function discoverRemoteAccess(client: TollgateClient, gatewayUrl: string, token: string, fetchImpl: typeof fetch): Promise<RemoteAccess> {
  try {
    const launched = await client.proxy.launchUrl(token);
    return {
      route: appRoute(launched.app_origin),
      probe: () =>
        client.proxy.launchUrl(token).then(
          () => undefined,
          (error: unknown) => {
            const end = endOf(error);
            if (end) return end;
            throw error;
          },
        ),
    };
  } catch (error) {
    if (!(error instanceof TollgateError && error.code === "APP_ORIGIN_NOT_CONFIGURED")) throw error;
  }
  const route = prefixRoute(gatewayUrl);
  const refusal = async (): Promise<TollgateError | undefined> => {
    const res = await fetchImpl(`${route.origin}${route.prefix}/`, { headers: { "X-Access-Token": token, Accept: "application/json" } });
    if (res.status === 401) return TollgateError.fromResponse(res);
    await res.body?.cancel();
    return undefined;
  };
  const first = await refusal();
  if (endOf(first)) throw first;
  return { route, probe: async () => endOf(await refusal()) };
}
