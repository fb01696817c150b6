import { buildAsyncApiDocument, openApiComponents } from "@tollgate/contracts";
import { Router } from "express";
import swaggerJsdoc from "swagger-jsdoc";
import swaggerUi from "swagger-ui-express";
import { expandErrors } from "./openapi-errors";
import { isInternal, operationsOf, selectOperations, type OpenApiDocument, type OpenApiOperation } from "./openapi-document";
import { operationalPaths } from "./openapi-operational";

export type { OpenApiDocument } from "./openapi-document";

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** Files whose `@openapi` JSDoc blocks describe the routes (globs). */
  apis: string[];
  /** What each tag the routes use means. */
  tags?: Record<string, string>;
  /** Component schemas beyond the contracts' (which every document has). */
  components?: Record<string, unknown>;
  /** A link for readers, e.g. to the AsyncAPI document of a service that also speaks WebSocket. */
  externalDocs?: { description: string; url: string };
}

export interface OpenApiDocuments {
  /** Everything a client of the gateway may call: `/openapi.json`, shown at `/docs`. */
  public: OpenApiDocument;
  /** Service-to-service routes, health and metrics: `/openapi/internal.json`, linked from nowhere. */
  internal: OpenApiDocument;
}

const securitySchemes = {
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A user's access token: `access_token` from `POST /api/v1/auth/login` or `/refresh` (RS256, 15 minutes, verified against `/.well-known/jwks.json`).",
  },
  serviceAuth: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A service token from `POST /api/v1/auth/service-token` (client credentials), carrying the scope the route names.",
  },
  accessToken: {
    type: "apiKey",
    in: "header",
    name: "X-Access-Token",
    description: "A purchased access token (64 characters, shown once by `POST /api/v1/tokens/purchase`). Its clock starts on first use.",
  },
};

const headers = {
  RetryAfter: { description: "Seconds to wait before trying again", schema: { type: "integer", minimum: 1 } },
};

const conventions =
  "Every error is the standard `ErrorBody` with a stable `error_code`; each route lists the codes it answers. Any route may also answer 500 `INTERNAL_ERROR` (no detail), and through the gateway 503 `SERVICE_UNAVAILABLE` with Retry-After when the service is down. `X-Request-Id` (8-128 of `[A-Za-z0-9._:-]`) is kept when sent, generated otherwise, and echoed.";

const kitTags: Record<string, string> = { operations: "Probes and metrics every service serves (not routed by the gateway)" };

/**
 * Both OpenAPI 3.1 documents of a service: the routes' `@openapi` blocks (swagger-jsdoc), over
 * components generated from the zod contracts (`openApiComponents`), with `x-errors` expanded
 * into ErrorBody responses, examples taken from the schemas, and internal operations (`/internal/*`,
 * `x-internal: true`, health, metrics) apart from public ones.
 */
export function buildOpenApiDocuments(options: OpenApiOptions): OpenApiDocuments {
  const generated = openApiComponents();
  const merged = swaggerJsdoc({
    failOnErrors: true,
    definition: {
      openapi: "3.1.0",
      info: {
        title: options.title,
        version: options.version,
        description: [options.description, conventions].filter(Boolean).join("\n\n"),
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      servers: [{ url: "/", description: "Where this document was served from (the gateway, http://127.0.0.1:8080 locally, for the public one)" }],
      ...(options.externalDocs ? { externalDocs: options.externalDocs } : {}),
      components: {
        schemas: { ...generated.schemas, ...options.components },
        parameters: generated.parameters,
        headers,
        securitySchemes,
      },
    },
    apis: options.apis,
  }) as OpenApiDocument;
  const document: OpenApiDocument = { ...merged, paths: { ...merged.paths, ...structuredClone(operationalPaths) } };
  const descriptions = { ...kitTags, ...options.tags };
  // In the order the service lists them, then any it did not describe.
  const used = new Set(operationsOf(document.paths).flatMap(({ operation }) => operation.tags ?? []));
  const tagNames = [...new Set([...Object.keys(options.tags ?? {}), ...Object.keys(kitTags), ...used])].filter((name) => used.has(name));
  document.tags = tagNames.map((name) => (descriptions[name] ? { name, description: descriptions[name] } : { name }));
  for (const { path, method, operation } of operationsOf(document.paths)) {
    assertResponseShapes(operation, `${method.toUpperCase()} ${path}`);
    expandErrors(operation, `${method.toUpperCase()} ${path}`);
    addExamples(operation, document.components.schemas ?? {});
  }
  return {
    public: selectOperations(document, (path, operation) => !isInternal(path, operation)),
    internal: selectOperations(document, (path, operation) => isInternal(path, operation)),
  };
}

/** The public document alone. */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  return buildOpenApiDocuments(options).public;
}

const RESPONSE_KEYS = new Set(["description", "headers", "content", "links", "$ref"]);

/** An unquoted comma in a YAML flow map makes a key of what follows it: refuse that at start, not in a reader's UI. */
function assertResponseShapes(operation: OpenApiOperation, where: string): void {
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const stray = Object.keys(response as object).filter((key) => !RESPONSE_KEYS.has(key));
    if (!/^([1-5](\d\d|XX)|default)$/.test(status) || stray.length > 0) {
      throw new Error(`${where}: response ${status} has unexpected ${stray.length > 0 ? `keys ${stray.map((key) => `"${key}"`).join(", ")}` : "status"} (quote a description that holds a comma)`);
    }
  }
}

/** A body whose schema is a component gets that component's first example, which the contracts' tests parse. */
function addExamples(operation: OpenApiOperation, schemas: Record<string, unknown>): void {
  const bodies = [operation.requestBody, ...Object.values(operation.responses ?? {})] as ({ content?: Record<string, Record<string, unknown>> } | undefined)[];
  for (const media of bodies.flatMap((body) => Object.values(body?.content ?? {}))) {
    const target = (media.schema as { $ref?: string } | undefined)?.$ref?.replace("#/components/schemas/", "");
    const examples = target ? (schemas[target] as { examples?: unknown[] } | undefined)?.examples : undefined;
    if (examples?.[0] !== undefined && media.example === undefined && media.examples === undefined) media.example = examples[0];
  }
}

/**
 * `GET /openapi.json` (public) and a Swagger UI at `/docs` that loads it; `GET /openapi/internal.json`
 * for operators (the gateway routes none of `/openapi/internal.json`, `/internal/*`, health or
 * metrics); `GET /asyncapi.json`, the events and WebSocket protocol every service shares.
 */
export function openApiRouter(options: OpenApiOptions): Router {
  const documents = buildOpenApiDocuments(options);
  const router = Router();
  router.get("/openapi.json", (_req, res) => {
    res.json(documents.public);
  });
  router.get("/openapi/internal.json", (_req, res) => {
    res.json(documents.internal);
  });
  router.get("/asyncapi.json", (_req, res) => {
    res.json(buildAsyncApiDocument());
  });
  router.use("/docs", swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: "../openapi.json" }, customSiteTitle: options.title }));
  return router;
}
