import { readFileSync } from "node:fs";
import path from "node:path";
import { GATEWAY, repoRoot } from "./stack";

export const DOCUMENTED_SERVICES = ["auth", "token", "proxy", "game-realtime", "billing"] as const;
export type DocumentedService = (typeof DOCUMENTED_SERVICES)[number];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface ServiceDocuments {
  service: DocumentedService;
  public: { url: string; text: string; json: Json };
  internal: { url: string; text: string; json: Json };
}

/** Each service's port, as `npm start` runs it (infra/local/services.conf). */
function servicePort(service: DocumentedService): number {
  const conf = readFileSync(path.join(repoRoot, "infra/local/services.conf"), "utf8");
  const row = conf.split("\n").find((line) => line.split(/\s+/)[0] === service);
  const port = Number(row?.split(/\s+/)[1]);
  if (!Number.isInteger(port)) throw new Error(`no port for ${service} in infra/local/services.conf`);
  return port;
}

async function fetchDocument(url: string): Promise<{ url: string; text: string; json: Json }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  const text = await res.text();
  return { url, text, json: JSON.parse(text) as Json };
}

/**
 * The public document through the gateway, as a reader of /docs gets it; the internal one from the
 * service's own port, as an operator on the internal network does (the gateway serves none).
 */
export async function serviceDocuments(service: DocumentedService): Promise<ServiceDocuments> {
  const [publicDocument, internalDocument] = await Promise.all([
    fetchDocument(`${GATEWAY}/openapi/${service}.json`),
    fetchDocument(`http://127.0.0.1:${servicePort(service)}/openapi/internal.json`),
  ]);
  return { service, public: publicDocument, internal: internalDocument };
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function operationsOf(document: Json): { path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([route, item]) =>
    HTTP_METHODS.filter((method) => (item as Json)[method]).map((method) => ({ path: route, method, operation: (item as Json)[method] as Json })),
  );
}

export function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "$ref" && typeof item === "string" ? [item] : refsIn(item)));
}
