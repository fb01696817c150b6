/** The parts of an OpenAPI 3.1 document the kit reads and writes; everything else passes through. */
export type OpenApiOperation = Record<string, unknown> & {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: Record<string, unknown>;
  responses?: Record<string, unknown>;
};
export type OpenApiPathItem = Record<string, unknown>;
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: Record<string, unknown>[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, OpenApiPathItem>;
  components: Record<string, Record<string, unknown>>;
  security?: Record<string, string[]>[];
  [key: string]: unknown;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Marks an operation for the internal document only; `/internal/*` paths are internal without it. */
export const INTERNAL_KEY = "x-internal";

export function operationsOf(paths: Record<string, OpenApiPathItem>): { path: string; method: string; operation: OpenApiOperation }[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => typeof item[method] === "object" && item[method] !== null).map((method) => ({ path, method, operation: item[method] as OpenApiOperation })),
  );
}

export function isInternal(path: string, operation: OpenApiOperation): boolean {
  return path.startsWith("/internal/") || operation[INTERNAL_KEY] === true;
}

/**
 * Keeps the operations `keep` accepts, then only the components, security schemes and tags they
 * use: a public document shows no internal schema, and lints with no unused component.
 */
export function selectOperations(document: OpenApiDocument, keep: (path: string, operation: OpenApiOperation) => boolean): OpenApiDocument {
  const paths: Record<string, OpenApiPathItem> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    const kept: OpenApiPathItem = {};
    for (const [key, value] of Object.entries(item)) {
      const isOperation = (HTTP_METHODS as readonly string[]).includes(key);
      if (!isOperation) kept[key] = value;
      else if (keep(path, value as OpenApiOperation)) {
        const { [INTERNAL_KEY]: _marker, ...operation } = value as OpenApiOperation;
        kept[key] = operation;
      }
    }
    if (HTTP_METHODS.some((method) => method in kept)) paths[path] = kept;
  }
  const operations = operationsOf(paths).map(({ operation }) => operation);
  const components = usedComponents(document.components, paths);
  const schemeNames = new Set(operations.flatMap((operation) => (operation.security ?? []).flatMap((requirement) => Object.keys(requirement))));
  const schemes = Object.fromEntries(Object.entries(document.components.securitySchemes ?? {}).filter(([name]) => schemeNames.has(name)));
  if (Object.keys(schemes).length > 0) components.securitySchemes = schemes;
  const tagNames = new Set(operations.flatMap((operation) => operation.tags ?? []));
  return { ...document, tags: (document.tags ?? []).filter((tag) => tagNames.has(tag.name)), paths, components };
}

/** The components reachable by `$ref` from `root`, following references between components. */
function usedComponents(components: OpenApiDocument["components"], root: unknown): OpenApiDocument["components"] {
  const used: OpenApiDocument["components"] = {};
  const pending = [root];
  while (pending.length > 0) {
    for (const target of refsIn(pending.pop())) {
      const match = /^#\/components\/([^/]+)\/(.+)$/.exec(target);
      if (!match) continue;
      const [, kind, name] = match as unknown as [string, string, string];
      const component = components[kind]?.[name];
      if (component === undefined || used[kind]?.[name] !== undefined) continue;
      (used[kind] ??= {})[name] = component;
      pending.push(component);
    }
  }
  // In the order the full document lists them.
  return Object.fromEntries(Object.entries(used).map(([kind, byName]) => [kind, Object.fromEntries(Object.keys(components[kind] ?? {}).filter((name) => name in byName).map((name) => [name, byName[name]]))]));
}

export function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") found.push(item);
      else refsIn(item, found);
    }
  }
  return found;
}
