import type { IncomingMessage, ServerResponse } from "node:http";
import { commonErrorCodes, proxyLaunchRequestSchema } from "@tollgate/contracts";
import { AppError, BadRequestError, parseOrThrow } from "@tollgate/service-kit";
import { AppOriginNotConfiguredError } from "../domain/app-session";
import type { AppSessionUseCases } from "../domain/app-session.use-case";
import { TokenMissingError } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import { singleHeader } from "./public-side";

const MAX_BODY_BYTES = 4_096;

/** The launch request's optional JSON body, read whole (it is tiny). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError(413, commonErrorCodes.PAYLOAD_TOO_LARGE, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AppError(413, commonErrorCodes.PAYLOAD_TOO_LARGE, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) {
    throw new AppError(415, commonErrorCodes.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json");
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new BadRequestError("request body is not valid JSON", commonErrorCodes.MALFORMED_JSON);
  }
}

/**
   * @openapi
   * /api/v1/proxy/launch:
   *   post:
   *     operationId: launchApp
   *     summary: A one-time URL that opens the application in a browser on the app origin
   *     description: >
   *       Validates the access token (activating it on first use) and answers a launch URL on the
   *       app origin, usable once within 60 s. Opening it sets an HttpOnly app-session cookie bound
   *       to the token and redirects to `path`. This path is the proxy's own: the upstream's
   *       `POST /launch` is reached on the app origin.
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     requestBody:
   *       required: false
   *       content: { application/json: { schema: { $ref: "#/components/schemas/ProxyLaunchRequest" } } }
   *     responses:
   *       201: { description: The launch URL, content: { application/json: { schema: { $ref: "#/components/schemas/ProxyLaunchResponse" } } } }
   *     x-errors:
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       404: { APP_ORIGIN_NOT_CONFIGURED: "this deployment serves no app origin (APP_PUBLIC_ORIGIN unset): use the path prefix" }
   *       413: { PAYLOAD_TOO_LARGE: the body is larger than 4096 bytes }
   *       422: { VALIDATION_ERROR: "path is not a root-relative path on the app origin, e.g. /flows" }
   *       503: { SERVICE_UNAVAILABLE: the token service did not answer, BREAKER_OPEN: the token service failed repeatedly and is not asked for a while }
   */
export function launchHandler(deps: { sessions?: AppSessionUseCases; validator: TokenValidator }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = singleHeader(req.headers["x-access-token"]);
    if (!token) throw new TokenMissingError();
    const body = parseOrThrow(proxyLaunchRequestSchema, await readJson(req));
    // The token is judged first, so a client can tell "revoked" from "no app origin here".
    if (!deps.sessions) {
      await deps.validator.validate(token);
      throw new AppOriginNotConfiguredError();
    }
    const launched = await deps.sessions.launch(token, body.path);
    const json = JSON.stringify(launched);
    res.writeHead(201, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(json), "Cache-Control": "no-store" });
    res.end(json);
  };
}
