import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as contracts from "@tollgate/contracts";
import { apiSchemaName, apiSchemaRole, pathParameterSchemas, queryParameterSchemas } from "@tollgate/contracts";
import type { z } from "zod";
import type { DocumentedService } from "./docs-documents";
import { repoRoot } from "./stack";

/**
 * What a service's routers say in their source: every `@openapi` block with the path and methods
 * it documents, the express routes registered after it, and the contract schemas its handlers
 * parse with (`parseOrThrow(schema, …)` or `schema.parse(…)`), until the next block.
 */
export interface DocumentedSegment {
  file: string;
  /** Null for the code before a file's first block. */
  path: string | null;
  methods: string[];
  routes: { method: string; path: string }[];
  schemas: string[];
}

const BLOCK = /\/\*\*\s*\n\s*\*\s*@openapi\s*\n([\s\S]*?)\*\//g;
const ROUTE = /\b(?:router|app)\.(get|put|post|delete|options|head|patch)\(\s*"([^"]+)"/g;
const PARSE_WITH = /parseOrThrow\(\s*([A-Za-z_$][\w$]*)|\b([A-Za-z_$][\w$]*)\.(?:safeParse|parse)\(/g;

/** The files that hold a service's routes and their docs: `src/http/*.ts` and `src/app.ts`. */
export function routeFiles(service: DocumentedService): string[] {
  const http = path.join(repoRoot, "services", service, "src", "http");
  return [...readdirSync(http).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts")).map((name) => path.join(http, name)), path.join(repoRoot, "services", service, "src", "app.ts")];
}

export function scanRouteFile(file: string): DocumentedSegment[] {
  const source = readFileSync(file, "utf8");
  const blocks = [...source.matchAll(BLOCK)];
  const segments: DocumentedSegment[] = [];
  const bounds = [{ start: 0, yaml: null as string | null }, ...blocks.map((block) => ({ start: (block.index ?? 0) + block[0].length, yaml: block[1] ?? "" }))];
  bounds.forEach((bound, index) => {
    const end = index + 1 < bounds.length ? (blocks[index]?.index ?? source.length) : source.length;
    const code = source.slice(bound.start, end);
    const yaml = (bound.yaml ?? "").split("\n").map((line) => line.replace(/^\s*\* ?/, ""));
    const pathLine = yaml.find((line) => /^\/\S*:\s*$/.test(line));
    segments.push({
      file: path.relative(repoRoot, file),
      path: bound.yaml === null ? null : (pathLine?.replace(/:\s*$/, "") ?? "(no path)"),
      methods: yaml.flatMap((line) => /^ {2}(get|put|post|delete|options|head|patch):/.exec(line)?.[1] ?? []),
      routes: [...code.matchAll(ROUTE)].map((match) => ({ method: match[1] ?? "", path: match[2] ?? "" })),
      // Whatever parseOrThrow gets; of `x.parse(…)`, only schemas by their name (not JSON.parse).
      schemas: [...new Set([...code.matchAll(PARSE_WITH)].flatMap((match) => match[1] ?? (match[2]?.endsWith("Schema") ? [match[2]] : [])))],
    });
  });
  return segments;
}

/**
 * The `$ref`s an operation must hold for a schema its handler parses with: the body component,
 * or one parameter per property of a query or path schema. Undefined when the schema is not one
 * the documents know (a local schema, or a contract schema missing from the registry).
 */
export function requiredRefs(identifier: string): { name: string; refs: string[] } | { problem: string } {
  const schema = (contracts as Record<string, unknown>)[identifier];
  if (schema === undefined) return { problem: `${identifier} is not exported by @tollgate/contracts, so no document can show it` };
  const name = apiSchemaName(schema);
  if (name === undefined) return { problem: `${identifier} is not in the documents' schemas (packages/contracts/src/docs/api-schemas.ts)` };
  const role = apiSchemaRole(name);
  if (role === "request-body" || role === "response-body") return { name, refs: [`#/components/schemas/${name}`] };
  const object = ({ ...queryParameterSchemas, ...pathParameterSchemas } as Record<string, z.ZodObject>)[name];
  return { name, refs: Object.keys(object?.shape ?? {}).map((property) => `#/components/parameters/${name}.${property}`) };
}

/** `/api/v1/games/:id` as OpenAPI writes it: `/api/v1/games/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z_]\w*)/g, "{$1}");
