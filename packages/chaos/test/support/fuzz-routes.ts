import type { FuzzIdentity } from "./fuzz-draft";

/** One route as a client calls it through the gateway, with a valid request to start from. */
export interface FuzzRoute {
  /** "POST /api/v1/tokens/{id}/revoke", as the documents name it. */
  name: string;
  site: "api" | "app";
  method: string;
  /** The path with its parameters filled for `identity`. */
  path: (identity: FuzzIdentity) => string;
  query: string;
  /** The documented example body, if the route takes one. */
  body: unknown;
  bearer: boolean;
  accessToken: boolean;
  /** Logging out, changing a password, revoking a token: served with the spare identity, so the rest keep theirs. */
  spendsCredentials: boolean;
  websocket: boolean;
}

interface Operation {
  security?: Record<string, unknown>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { example?: unknown }> };
}
interface Parameter {
  $ref?: string;
  in?: string;
  name?: string;
  example?: unknown;
  schema?: { example?: unknown; enum?: unknown[]; default?: unknown };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { parameters?: Record<string, Parameter> };
}

const METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options"]);
const SPENDS = /\/(logout|password|revoke|disable)$|\/identities\//;

/** A valid value for a path parameter, by name and by the route it is in. */
function pathValue(name: string, template: string, identity: FuzzIdentity): string {
  switch (name) {
    case "id":
      if (template.startsWith("/api/v1/tokens")) return identity.tokenId;
      if (template.startsWith("/api/v1/games")) return identity.gameId;
      return identity.userId;
    case "username":
      return identity.username;
    case "provider":
      return "github";
    case "path":
      return "echo";
    default:
      throw new Error(`no value for path parameter {${name}} of ${template}: add one here`);
  }
}

function queryOf(parameters: Parameter[], doc: OpenApiDocument): string {
  const pairs: string[] = [];
  for (const reference of parameters) {
    const parameter = reference.$ref ? doc.components?.parameters?.[reference.$ref.split("/").pop() ?? ""] : reference;
    if (parameter?.in !== "query" || !parameter.name) continue;
    const value = parameter.example ?? parameter.schema?.example ?? parameter.schema?.enum?.[0] ?? parameter.schema?.default;
    if (value !== undefined) pairs.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(String(value))}`);
  }
  return pairs.join("&");
}

/** Every operation of a service's public OpenAPI document (as the gateway serves it at /openapi/<name>.json). */
export function routesOfDocument(doc: OpenApiDocument): FuzzRoute[] {
  const routes: FuzzRoute[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue;
      const schemes = (operation.security ?? []).flatMap((entry) => Object.keys(entry));
      const example = operation.requestBody?.content?.["application/json"]?.example;
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "");
      routes.push({
        name: `${method.toUpperCase()} ${template}`,
        site: "api",
        method: method.toUpperCase(),
        path: (identity) => names.reduce((path, name) => path.replace(`{${name}}`, encodeURIComponent(pathValue(name, template, identity))), template),
        query: queryOf(operation.parameters ?? [], doc),
        body: example,
        bearer: schemes.includes("bearerAuth"),
        accessToken: schemes.includes("accessToken"),
        spendsCredentials: SPENDS.test(template),
        websocket: false,
      });
    }
  }
  return routes;
}

const gatewayRoute = (method: string, path: string, extra: Partial<FuzzRoute> = {}): FuzzRoute => ({
  name: `${method} ${path}`,
  site: "api",
  method,
  path: () => path,
  query: "",
  body: undefined,
  bearer: false,
  accessToken: false,
  spendsCredentials: false,
  websocket: false,
  ...extra,
});

/** Routes the gateway serves beside the documented operations: its own pages, the game socket, the app origin. */
export const GATEWAY_ROUTES: FuzzRoute[] = [
  gatewayRoute("GET", "/health"),
  gatewayRoute("GET", "/docs/"),
  gatewayRoute("GET", "/docs/assets/swagger-ui.css"),
  gatewayRoute("GET", "/asyncapi.json"),
  gatewayRoute("GET", "/openapi/token.json"),
  gatewayRoute("GET", "/.well-known/proxy-jwks.json"),
  gatewayRoute("GET", "/ws/game", { bearer: true, websocket: true }),
  gatewayRoute("GET", "/api/v1/proxy/ws/echo", { accessToken: true, websocket: true }),
  gatewayRoute("GET", "/", { site: "app", accessToken: true }),
  gatewayRoute("POST", "/echo", { site: "app", accessToken: true, body: { hello: "app origin" } }),
  gatewayRoute("GET", "/.tollgate/launch", { site: "app", query: "ticket=not-a-ticket" }),
];
