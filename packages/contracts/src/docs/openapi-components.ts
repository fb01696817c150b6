import { apiExamples } from "./api-examples";
import { pathParameterSchemas, queryParameterSchemas, requestBodySchemas, responseBodySchemas } from "./api-schemas";
import { toJsonSchemas, type JsonSchema } from "./json-schema";

export interface OpenApiParameter {
  name: string;
  in: "query" | "path";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiComponents {
  /** Every request and response body, JSON Schema 2020-12 (OpenAPI 3.1's own dialect). */
  schemas: Record<string, JsonSchema>;
  /** One parameter per property of every query and path schema, named `<Schema>.<property>`. */
  parameters: Record<string, OpenApiParameter>;
}

const SCHEMAS = "#/components/schemas/";

let cached: OpenApiComponents | undefined;

/**
 * The `components` every service's OpenAPI document starts from, generated from the zod
 * contracts: route docs refer to them by `$ref` and never restate a shape. Built once.
 */
export function openApiComponents(): OpenApiComponents {
  cached ??= build();
  return cached;
}

function build(): OpenApiComponents {
  const requests = toJsonSchemas(requestBodySchemas, { io: "input", target: "draft-2020-12", refPrefix: SCHEMAS, examples: apiExamples });
  const responses = toJsonSchemas(responseBodySchemas, { io: "output", target: "draft-2020-12", refPrefix: SCHEMAS, examples: apiExamples });
  for (const name of Object.keys(requests)) if (name in responses) throw new Error(`${name} is both a request and a response schema`);
  const parameters: Record<string, OpenApiParameter> = {};
  // Parameters are what the client writes: always the input side (a query's "true" before it becomes true).
  const queries = toJsonSchemas(queryParameterSchemas, { io: "input", target: "draft-2020-12", refPrefix: SCHEMAS });
  const paths = toJsonSchemas(pathParameterSchemas, { io: "input", target: "draft-2020-12", refPrefix: SCHEMAS });
  for (const [where, set] of [["query", queries], ["path", paths]] as const) {
    for (const [name, objectSchema] of Object.entries(set)) {
      const properties = (objectSchema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((objectSchema.required ?? []) as string[]);
      for (const [property, schema] of Object.entries(properties)) {
        const { description, ...rest } = schema;
        parameters[`${name}.${property}`] = {
          name: property,
          in: where,
          required: where === "path" || required.has(property),
          ...(typeof description === "string" ? { description } : {}),
          schema: rest,
        };
      }
    }
  }
  return { schemas: { ...requests, ...responses }, parameters };
}
