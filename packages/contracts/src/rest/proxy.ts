import { z } from "zod";

/**
 * The app origin: the proxy serves the upstream at the root of `APP_PUBLIC_ORIGIN`, path for path,
 * with no body rewriting. A browser gets there with a one-time launch URL, a desktop client's local
 * connector with its access token in `X-Access-Token`.
 */

/** `POST /api/v1/proxy/launch` (with `X-Access-Token`): where the browser should land, default `/`. */
export const proxyLaunchRequestSchema = z.strictObject({
  path: z
    .string()
    .max(2_048)
    .regex(/^\/(?![/\\])[^\s]*$/, "path must be a root-relative path on the app origin, e.g. /flows")
    .optional(),
});
export type ProxyLaunchRequest = z.infer<typeof proxyLaunchRequestSchema>;

export const proxyLaunchResponseSchema = z.object({
  /** Open once in a browser, within `expires_at`: sets the app-session cookie and redirects to `path`. */
  url: z.url(),
  /** The origin that serves the application, e.g. http://app.localhost:8080 */
  app_origin: z.url(),
  /** The launch URL's deadline (at most 60 s after it was issued). */
  expires_at: z.iso.datetime({ offset: true }),
});
export type ProxyLaunchResponse = z.infer<typeof proxyLaunchResponseSchema>;

/** Paths the proxy keeps for itself on the app origin (the upstream's own are never shadowed elsewhere). */
export const appOriginPaths = {
  launch: "/.tollgate/launch",
  logout: "/.tollgate/logout",
} as const;

/** The HttpOnly cookie that names an app session on the app origin; never forwarded upstream. */
export const APP_SESSION_COOKIE = "tollgate_app_session";

export const proxyErrorCodes = {
  APP_ORIGIN_NOT_CONFIGURED: "APP_ORIGIN_NOT_CONFIGURED",
  LAUNCH_TICKET_INVALID: "LAUNCH_TICKET_INVALID",
  APP_SESSION_INVALID: "APP_SESSION_INVALID",
} as const;
