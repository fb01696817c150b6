import path from "node:path";
import { buildAsyncApiDocument } from "@tollgate/contracts";
import request from "supertest";
import { buildOpenApiDocuments, createHttpApp, type OpenApiOptions } from "../src";
import { captureLogger } from "./support";

const options: OpenApiOptions = {
  title: "Things",
  version: "1.0.0",
  apis: [path.join(__dirname, "fixtures", "openapi-routes.ts")],
  tags: { things: "Things and their limits" },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe("the OpenAPI documents the kit builds", () => {
  const documents = buildOpenApiDocuments(options) as unknown as { public: Json; internal: Json };

  it("when a route lists x-errors, then each becomes an ErrorBody response with one example per code, and the body parser's and the verifier's answers are added", () => {
    const operation = documents.public.paths["/api/v1/things"].post;
    expect(operation["x-errors"]).toBeUndefined();
    expect(Object.keys(operation.responses)).toEqual(["201", "400", "401", "409", "413", "415", "422"]);
    const conflict = operation.responses["409"].content["application/json"];
    expect(conflict.schema).toEqual({ $ref: "#/components/schemas/ErrorBody" });
    expect(conflict.examples.THING_LIMIT.value).toMatchObject({ error_code: "THING_LIMIT", status_code: 409, detail: "too many things, try later" });
    expect(Object.keys(operation.responses["401"].content["application/json"].examples)).toEqual(["UNAUTHENTICATED", "BEARER_TOKEN_INVALID", "BEARER_TOKEN_EXPIRED", "SESSION_REVOKED"]);
    expect(operation.responses["422"].content["application/json"].examples.VALIDATION_ERROR.value.errors).toHaveLength(1);
  });

  it("when a body is a contracts component, then the document shows that component's example", () => {
    const operation = documents.public.paths["/api/v1/things"].post;
    expect(operation.requestBody.content["application/json"].example).toEqual({ duration_hours: 24 });
    expect(operation.responses["201"].content["application/json"].example.status).toBe("pending");
  });

  it("when routes are internal (/internal/*, x-internal, health and metrics), then only the internal document has them, with only the components they use", () => {
    expect(Object.keys(documents.public.paths)).toEqual(["/api/v1/things"]);
    expect(Object.keys(documents.internal.paths).sort()).toEqual(["/api/v1/things/service-login", "/health/live", "/health/ready", "/internal/v1/things/check", "/metrics"]);
    expect(documents.internal.paths["/api/v1/things/service-login"].post["x-internal"]).toBeUndefined();
    expect(JSON.stringify(documents.public)).not.toMatch(/ServiceToken|ValidateToken|serviceAuth|\/internal\//);
    expect(Object.keys(documents.public.components.schemas).sort()).toEqual(["ErrorBody", "FieldIssue", "PurchaseTokenRequest", "PurchaseTokenResponse"]);
    expect(Object.keys(documents.public.components.securitySchemes)).toEqual(["bearerAuth"]);
    expect(documents.public.tags).toEqual([{ name: "things", description: "Things and their limits" }]);
    expect(Object.keys(documents.internal.components.securitySchemes)).toEqual(["serviceAuth"]);
  });

  it("when a description holds an unquoted comma, then building fails and names the route, instead of documenting a bogus key", () => {
    expect(() => buildOpenApiDocuments({ ...options, apis: [path.join(__dirname, "fixtures", "openapi-comma.ts")] })).toThrow(/GET \/api\/v1\/broken: response 200 has unexpected keys "the user and more"/);
  });

  it("when a service serves its documents, then /openapi.json is the public one, /openapi/internal.json the internal one and /asyncapi.json the events and game protocol", async () => {
    const app = createHttpApp({ logger: captureLogger().logger, openapi: options, routes: () => undefined });
    expect((await request(app).get("/openapi.json")).body).toEqual(documents.public);
    expect((await request(app).get("/openapi/internal.json")).body).toEqual(documents.internal);
    expect((await request(app).get("/asyncapi.json")).body).toEqual(buildAsyncApiDocument());
  });
});
