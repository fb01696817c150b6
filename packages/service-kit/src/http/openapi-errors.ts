import { commonErrorCodes, exampleIds, exampleTimes } from "@tollgate/contracts";
import { INSUFFICIENT_SCOPE } from "../jwt/jwt-verifier";
import { SESSION_REVOKED } from "../jwt/require-auth";
import type { OpenApiOperation } from "./openapi-document";

/**
 * A route's error answers, as its `@openapi` block lists them:
 *
 *     x-errors:
 *       401: { INVALID_CREDENTIALS: the login or the password is wrong }
 *       429: { RATE_LIMITED: too many failed logins for this account or address }
 *
 * become responses in the standard ErrorBody, one named example per code, with Retry-After
 * where the status promises it. What the kit itself answers before the router runs is added:
 * a route with a JSON body gets the body parser's 400, 413, 415 and parseOrThrow's 422; a route
 * that takes a bearer JWT gets the verifier's 401s (and `requireUser`'s SESSION_REVOKED for users,
 * the scope check's 403 for services).
 */
export const ERRORS_KEY = "x-errors";

type CodesByStatus = Record<string, Record<string, string>>;

const bodyErrors: CodesByStatus = {
  "400": { [commonErrorCodes.MALFORMED_JSON]: "the body is not valid JSON" },
  "413": { [commonErrorCodes.PAYLOAD_TOO_LARGE]: "the body is larger than the service accepts" },
  "415": { [commonErrorCodes.UNSUPPORTED_MEDIA_TYPE]: "a body that is not application/json" },
  "422": { [commonErrorCodes.VALIDATION_ERROR]: "a field is missing, unknown or out of range (`errors` names each)" },
};

/** The verifier's answers (`JwtVerifier`); the codes are the bearer JWT's, not the purchased access token's. */
const bearerErrors: CodesByStatus = {
  "401": {
    [commonErrorCodes.UNAUTHENTICATED]: "no `Authorization: Bearer` header",
    BEARER_TOKEN_INVALID: "the JWT is malformed, badly signed, or for another issuer, audience or kind",
    BEARER_TOKEN_EXPIRED: "the JWT is past its expiry: refresh and retry",
  },
};

const userErrors: CodesByStatus = {
  "401": { ...bearerErrors["401"], [SESSION_REVOKED]: "the session was logged out or revoked, or the user disabled" },
};

const serviceErrors: CodesByStatus = {
  ...bearerErrors,
  "403": { [INSUFFICIENT_SCOPE]: "the service token lacks the scope the route needs" },
};

const errorsOfScheme: Record<string, CodesByStatus> = { bearerAuth: userErrors, serviceAuth: serviceErrors };

/** Statuses whose answers carry Retry-After. */
const RETRY_STATUSES = new Set(["429", "503"]);

export function expandErrors(operation: OpenApiOperation, where: string): void {
  const declared = (operation[ERRORS_KEY] ?? {}) as CodesByStatus;
  delete operation[ERRORS_KEY];
  // A comma in an unquoted YAML flow-map value starts a new key whose value is null: refuse it
  // rather than document a code named "or too many requests".
  for (const [status, byCode] of Object.entries(declared)) {
    for (const [code, when] of Object.entries(byCode ?? {})) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(code) || typeof when !== "string") throw new Error(`${where}: x-errors ${status} has "${code}": ${String(when)} (quote a value that holds a comma)`);
    }
  }
  const responses = (operation.responses ??= {});
  for (const status of Object.keys(declared)) {
    if (!/^[45]\d\d$/.test(status)) throw new Error(`${where}: x-errors status ${status} is not a 4xx or 5xx status`);
    if (status in responses) throw new Error(`${where}: status ${status} is in both responses and x-errors`);
  }
  const codes: CodesByStatus = {};
  const add = (source: CodesByStatus) => {
    // A status the block documents by hand is left as written.
    for (const [status, byCode] of Object.entries(source)) if (!(status in responses)) codes[status] = { ...codes[status], ...byCode };
  };
  if (operation.requestBody) add(bodyErrors);
  for (const scheme of new Set((operation.security ?? []).flatMap((requirement) => Object.keys(requirement)))) add(errorsOfScheme[scheme] ?? {});
  add(declared);
  for (const [status, byCode] of Object.entries(codes).sort(([a], [b]) => a.localeCompare(b))) responses[status] = errorResponse(Number(status), byCode);
}

function errorResponse(status: number, byCode: Record<string, string>): Record<string, unknown> {
  const entries = Object.entries(byCode);
  return {
    description: entries.map(([code, when]) => `\`${code}\`: ${when}`).join("; "),
    ...(RETRY_STATUSES.has(String(status)) ? { headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } } : {}),
    content: {
      "application/json": {
        schema: { $ref: "#/components/schemas/ErrorBody" },
        examples: Object.fromEntries(entries.map(([code, when]) => [code, { summary: when, value: errorExample(status, code, when) }])),
      },
    },
  };
}

function errorExample(status: number, code: string, when: string): Record<string, unknown> {
  return {
    detail: when.replace(/`/g, ""),
    error_code: code,
    status_code: status,
    timestamp: exampleTimes.now,
    request_id: exampleIds.requestId,
    ...(code === commonErrorCodes.VALIDATION_ERROR ? { errors: [{ path: "field", message: "Invalid input" }] } : {}),
  };
}
