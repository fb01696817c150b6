import { errorCodes } from "@tollgate/contracts";
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

/** The probe: one launch call, which judges the token first (401 with its code) on either kind of deployment. */
const launchProbe = (client: TollgateClient, token: string) => (): Promise<ConnectorEnd | undefined> =>
  client.proxy.launchUrl(token).then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof TollgateError && error.code === errorCodes.APP_ORIGIN_NOT_CONFIGURED) return undefined;
      const end = endOf(error);
      if (end) return end;
      throw error;
    },
  );

/**
 * One launch call says where the application lives: 201 → its app origin (the launch ticket is
 * not used); 404 `APP_ORIGIN_NOT_CONFIGURED` → the deployment has none, and the connector falls
 * back to the gateway's path prefix. Any other refusal (a 401 for a revoked, expired or unknown
 * token) is thrown as the `TollgateError` it is. The proxy judges the token before it looks for an
 * app origin, so the same call probes the token on either kind of deployment without touching
 * the upstream.
 */
export async function discoverRemoteAccess(client: TollgateClient, gatewayUrl: string, token: string): Promise<RemoteAccess> {
  const probe = launchProbe(client, token);
  try {
    const launched = await client.proxy.launchUrl(token);
    return { route: appRoute(launched.app_origin), probe };
  } catch (error) {
    if (!(error instanceof TollgateError && error.code === errorCodes.APP_ORIGIN_NOT_CONFIGURED)) throw error;
  }
  return { route: prefixRoute(gatewayUrl), probe };
}
