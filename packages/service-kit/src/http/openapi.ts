import { Router } from "express";
import swaggerJsdoc from "swagger-jsdoc";
import swaggerUi from "swagger-ui-express";

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** Files whose `@openapi` JSDoc blocks describe the routes (globs). */
  apis: string[];
  /** Shared component schemas, e.g. ErrorBody. */
  components?: Record<string, unknown>;
}

const errorBodyComponent = {
  type: "object",
  required: ["detail", "error_code", "status_code", "timestamp", "request_id"],
  properties: {
    detail: { type: "string" },
    error_code: { type: "string" },
    status_code: { type: "integer" },
    timestamp: { type: "string", format: "date-time" },
    request_id: { type: "string" },
    errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
  },
};

export function buildOpenApiDocument(options: OpenApiOptions): object {
  return swaggerJsdoc({
    definition: {
      openapi: "3.0.3",
      info: { title: options.title, version: options.version, description: options.description },
      components: {
        securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        schemas: { ErrorBody: errorBodyComponent, ...(options.components ?? {}) },
      },
    },
    apis: options.apis,
  });
}

/** `GET /openapi.json` and a Swagger UI at `/docs` that loads it. */
export function openApiRouter(options: OpenApiOptions): Router {
  const document = buildOpenApiDocument(options);
  const router = Router();
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  router.use("/docs", swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: "../openapi.json" }, customSiteTitle: options.title }));
  return router;
}
