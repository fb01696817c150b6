import { z } from "zod";

/** A JSON Schema as `z.toJSONSchema` writes it: plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaSetOptions {
  /** Which side of a transform or default to describe: what a router accepts, or what a service sends. */
  io: "input" | "output";
  /** JSON Schema 2020-12 (OpenAPI 3.1) or draft-07 (AsyncAPI 3's default schema format). */
  target: "draft-2020-12" | "draft-07";
  /** Where a named schema lives in the document, e.g. `#/components/schemas/`. */
  refPrefix: string;
  /** Examples by name, written into each schema's `examples`. */
  examples?: Record<string, unknown>;
}

/**
 * Converts named zod schemas into JSON Schemas that refer to each other by `$ref` where one
 * contains another (a TokenPair's `user` is a `$ref` to User, not a copy).
 */
export function toJsonSchemas(named: Record<string, z.ZodType>, options: SchemaSetOptions): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string; examples?: unknown[] }>();
  for (const [id, schema] of Object.entries(named)) {
    const example = options.examples?.[id];
    registry.add(schema, example === undefined ? { id } : { id, examples: [example] });
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: options.io,
    target: options.target,
    metadata: registry,
    unrepresentable: "any",
    uri: (id) => `${options.refPrefix}${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  // Shared definitions only appear for recursive schemas, which the contracts do not have.
  if ("__shared" in schemas) throw new Error("a contract schema is recursive: give its recursive part a name");
  const result: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    result[id] = simplify(rest);
  }
  return result;
}

/** Formats that say all a reader needs; zod's regex for them (about 300 characters for a date-time) only adds noise. */
const SELF_EXPLAINING_FORMATS = new Set(["date-time", "uuid"]);
const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SUBSCHEMA_MAPS = ["properties", "$defs", "definitions", "patternProperties"];
const SUBSCHEMAS = ["items", "additionalProperties", "not", "propertyNames", "contains"];

/** Drops what a reader does not need: regexes behind a format, and `.int()`'s safe-integer bounds. */
function simplify(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (typeof out.format === "string" && SELF_EXPLAINING_FORMATS.has(out.format)) delete out.pattern;
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = (out[key] as JsonSchema[]).map(simplify);
  for (const key of SUBSCHEMA_MAPS) {
    const map = out[key];
    if (isSchema(map)) out[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, isSchema(sub) ? simplify(sub) : sub]));
  }
  for (const key of SUBSCHEMAS) if (isSchema(out[key])) out[key] = simplify(out[key] as JsonSchema);
  return out;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
