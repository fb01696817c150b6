import { z } from "zod";
import { auditLogQuerySchema, tokenPairResponseSchema } from "../rest/auth";
import { apiExamples } from "./api-examples";
import { apiSchemaName, apiSchemaRole, pathParameterSchemas, queryParameterSchemas, requestBodySchemas, responseBodySchemas } from "./api-schemas";
import { openApiComponents } from "./openapi-components";

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "$ref" && typeof item === "string" ? [item] : refsIn(item)));
}

describe("OpenAPI components generated from the contracts", () => {
  const { schemas, parameters } = openApiComponents();

  it("when a body is documented, then it has an example that the schema the service uses accepts", () => {
    const bodies: Record<string, z.ZodType> = { ...requestBodySchemas, ...responseBodySchemas };
    for (const [name, schema] of Object.entries(bodies)) {
      const example = (apiExamples as Record<string, unknown>)[name];
      expect({ name, parsed: schema.safeParse(example).success }).toEqual({ name, parsed: true });
      expect(schemas[name]?.examples).toEqual([example]);
    }
  });

  it("when a documented schema contains another, then the component refers to it by $ref instead of copying it", () => {
    expect((schemas.TokenPair?.properties as Record<string, unknown>).user).toEqual({ $ref: "#/components/schemas/User" });
    expect(((schemas.TokenList?.items as Record<string, unknown>) ?? {}).$ref).toBe("#/components/schemas/TokenItem");
  });

  it("when components refer to each other, then every reference resolves and no JSON Schema dialect header is left in a component", () => {
    for (const target of refsIn(schemas)) expect(schemas[target.replace("#/components/schemas/", "")]).toBeDefined();
    for (const schema of Object.values(schemas)) {
      expect(schema.$schema).toBeUndefined();
      expect(schema.$id).toBeUndefined();
    }
  });

  it("when a request schema has a default or a transform, then the document describes what the client sends", () => {
    expect(schemas.ChangePasswordRequest?.required).toEqual(["current_password", "new_password"]);
    expect(parameters["MyTokensQuery.active_only"]).toEqual({ name: "active_only", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] } });
    expect(parameters["AuditLogQuery.limit"]?.schema).toEqual({ default: 100, type: "integer", minimum: 1, maximum: 500 });
  });

  it("when a query or path schema is documented, then each property is a parameter, required as the schema says (path ones always)", () => {
    for (const [name, schema] of Object.entries({ ...queryParameterSchemas, ...pathParameterSchemas })) {
      const shape = (schema as z.ZodObject).shape;
      for (const property of Object.keys(shape)) {
        const parameter = parameters[`${name}.${property}`];
        const where = name in pathParameterSchemas ? "path" : "query";
        expect(parameter).toMatchObject({ name: property, in: where });
        const optional = (shape[property] as z.ZodType).safeParse(undefined).success;
        expect({ property, required: parameter?.required }).toEqual({ property, required: where === "path" || !optional });
      }
    }
  });

  it("when a string has a date-time or uuid format, then zod's long regex for it is left out", () => {
    const user = schemas.User?.properties as Record<string, Record<string, unknown>>;
    expect(user.id).toEqual({ type: "string", format: "uuid" });
    expect(user.created_at).toEqual({ type: "string", format: "date-time" });
  });

  it("when a router's schema is looked up, then its component name and role are found by identity", () => {
    expect(apiSchemaName(tokenPairResponseSchema)).toBe("TokenPair");
    expect(apiSchemaName(auditLogQuerySchema)).toBe("AuditLogQuery");
    expect(apiSchemaRole("AuditLogQuery")).toBe("query");
    expect(apiSchemaName(z.object({}))).toBeUndefined();
  });
});
