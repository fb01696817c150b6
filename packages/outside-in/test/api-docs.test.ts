/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { eventTypes, topics } from "@tollgate/contracts";
import { collectPageErrors, launchChromium, renderedOperations } from "./support/docs-browser";
import { DOCUMENTED_SERVICES, operationsOf, refsIn, serviceDocuments, type Json, type ServiceDocuments } from "./support/docs-documents";
import { lintOpenApi, parseAsyncApi } from "./support/docs-lint";
import { openApiPath, requiredRefs, routeFiles, scanRouteFile } from "./support/docs-router-scan";
import { GATEWAY } from "./support/stack";

/**
 * Warnings the recommended rules may still give, each for an answer the route cannot give:
 * probes, metrics and JWKS have no 4xx answer; the OAuth authorize route answers a redirect, not 2xx.
 */
const ACCEPTED_WARNINGS = new Set(["operation-4xx-response", "operation-2xx-response"]);

describe("the API documents, as the gateway and the services serve them", () => {
  const documents: ServiceDocuments[] = [];

  beforeAll(async () => {
    for (const service of DOCUMENTED_SERVICES) documents.push(await serviceDocuments(service));
  });

  it("when every service's public and internal OpenAPI documents are linted with the recommended rules, then none has an error", async () => {
    const report: Record<string, { errors: string[]; warnings: string[] }> = {};
    for (const { service, public: publicDocument, internal } of documents) {
      for (const [kind, document] of [["public", publicDocument], ["internal", internal]] as const) {
        const problems = await lintOpenApi(document.text, `${service}.${kind}`);
        report[`${service} ${kind}`] = {
          errors: problems.filter((problem) => problem.severity === "error").map((problem) => `${problem.rule}: ${problem.message} at ${problem.where}`),
          warnings: problems.filter((problem) => problem.severity === "warn" && !ACCEPTED_WARNINGS.has(problem.rule)).map((problem) => `${problem.rule}: ${problem.message} at ${problem.where}`),
        };
      }
    }
    const clean = Object.fromEntries(Object.keys(report).map((name) => [name, { errors: [], warnings: [] }]));
    expect(report).toEqual(clean);
    expect(Object.keys(report)).toHaveLength(2 * DOCUMENTED_SERVICES.length);
  });

  it("when the AsyncAPI document is parsed, then it has no error and holds every topic, their dead-letter topics, every event type and /ws/game", async () => {
    const res = await fetch(`${GATEWAY}/asyncapi.json`);
    expect(res.status).toBe(200);
    const { document, diagnostics } = await parseAsyncApi(await res.text());
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0)).toEqual([]);
    expect(document).toBeDefined();
    const addresses = document!.channels().all().map((channel) => channel.address());
    expect(addresses.sort()).toEqual([...Object.values(topics).flatMap((topic) => [topic, `${topic}.dlq`]), "/ws/game"].sort());
    const names = document!.messages().all().map((message) => message.name());
    expect(names).toEqual(expect.arrayContaining([...Object.values(eventTypes), "auth", "game:join", "game:action", "game:state", "auth_error", "error"]));
  });

  it("when a public document is read, then it holds no /internal path and no service-to-service operation, and the gateway serves no internal document", async () => {
    for (const { service, public: publicDocument, internal } of documents) {
      expect({ service, internal: Object.keys(publicDocument.json.paths).filter((route) => route.startsWith("/internal/") || route.startsWith("/health/") || route === "/metrics") }).toEqual({ service, internal: [] });
      expect(publicDocument.text).not.toContain("service-token");
      expect(publicDocument.text).not.toContain("serviceAuth");
      expect(Object.keys(internal.json.paths)).toEqual(expect.arrayContaining(["/health/live", "/health/ready", "/metrics"]));
    }
    const internalOf = (service: string) => documents.find((document) => document.service === service)!.internal.json.paths as Json;
    expect(internalOf("token")["/internal/v1/tokens/validate"].post.security).toEqual([{ serviceAuth: [] }]);
    expect(internalOf("auth")["/api/v1/auth/service-token"].post.operationId).toBe("issueServiceToken");
    for (const path of ["/openapi/internal.json", "/openapi/token/internal.json", "/internal/v1/tokens/validate"]) {
      expect({ path, status: (await fetch(`${GATEWAY}${path}`, { method: path.startsWith("/internal") ? "POST" : "GET" })).status }).toEqual({ path, status: 404 });
    }
  });

  it("when an operation is documented, then it has an operationId, a summary, a tag and its security, JSON bodies are contract components with an example, and errors are ErrorBody", () => {
    const problems: string[] = [];
    for (const { service, public: publicDocument, internal } of documents) {
      for (const document of [publicDocument.json, internal.json]) {
        expect(document.servers?.length).toBeGreaterThan(0);
        for (const { path, method, operation } of operationsOf(document)) {
          const where = `${service} ${method.toUpperCase()} ${path}`;
          if (!operation.operationId || !operation.summary || !operation.tags?.length || !Array.isArray(operation.security)) problems.push(`${where}: operationId, summary, tags or security missing`);
          const bodies: [string, Json][] = [
            ...(operation.requestBody ? [["request", operation.requestBody] as [string, Json]] : []),
            ...Object.entries(operation.responses as Json).map(([status, response]) => [status, response] as [string, Json]),
          ];
          for (const [status, body] of bodies) {
            const json = body.content?.["application/json"];
            if (!json) continue;
            if (!json.schema?.$ref) problems.push(`${where} ${status}: the JSON body is not a component`);
            if (json.example === undefined && json.examples === undefined) problems.push(`${where} ${status}: no example`);
            if (/^[45]/.test(status) && !/ErrorBody$/.test(json.schema?.$ref ?? "")) problems.push(`${where} ${status}: not an ErrorBody`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the proxy, the launch route and the JWKS are documented, then every method under the prefix has its operation with the X-Access-Token scheme", () => {
    const proxy = documents.find((document) => document.service === "proxy")!.public.json;
    const prefix = proxy.paths["/api/v1/proxy/{path}"] as Json;
    expect(Object.keys(prefix).filter((key) => key !== "parameters" && key !== "description").sort()).toEqual(["delete", "get", "head", "options", "patch", "post", "put"]);
    for (const method of ["get", "post", "put", "patch", "delete", "head", "options"]) expect(prefix[method].security).toEqual([{ accessToken: [] }]);
    expect(proxy.components.securitySchemes.accessToken).toEqual(expect.objectContaining({ type: "apiKey", in: "header", name: "X-Access-Token" }));
    expect(proxy.paths["/api/v1/proxy/launch"].post.operationId).toBe("launchApp");
    expect(proxy.paths["/.well-known/jwks.json"].get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/IdentityAssertionJwks");
    const auth = documents.find((document) => document.service === "auth")!.public.json;
    expect(auth.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: "http", scheme: "bearer", bearerFormat: "JWT" }));
  });

  it("when a router registers a route or validates with a schema, then the @openapi block above it documents that route and the served document references that schema", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { service, public: publicDocument, internal } of documents) {
      const served = { ...internal.json.paths, ...publicDocument.json.paths } as Json;
      const pathLevel = (path: string) => [...(publicDocument.json.paths[path]?.parameters ?? []), ...(internal.json.paths[path]?.parameters ?? [])];
      for (const segment of routeFiles(service).flatMap(scanRouteFile)) {
        const where = `${segment.file} (${segment.path ?? "before any @openapi block"})`;
        for (const route of segment.routes) {
          const documented = segment.path !== null && segment.methods.includes(route.method) && segment.path.endsWith(openApiPath(route.path));
          if (!documented) problems.push(`${where}: ${route.method.toUpperCase()} ${route.path} has no @openapi block of its own`);
        }
        for (const identifier of segment.schemas) {
          // "No query parameters at all": an operation says it by listing none, there is no schema to reference.
          if (identifier === "emptyQuerySchema") continue;
          const required = requiredRefs(identifier);
          if ("problem" in required) {
            problems.push(`${where}: ${required.problem}`);
            continue;
          }
          if (segment.path === null || segment.methods.length === 0) {
            problems.push(`${where}: parses with ${identifier} outside a documented route`);
            continue;
          }
          for (const method of segment.methods) {
            const operation = served[segment.path]?.[method];
            if (!operation) {
              problems.push(`${where}: ${method.toUpperCase()} ${segment.path} is not in ${service}'s documents`);
              continue;
            }
            const refs = new Set([...refsIn(operation), ...refsIn(pathLevel(segment.path))]);
            const missing = required.refs.filter((ref) => !refs.has(ref));
            if (missing.length > 0) problems.push(`${where}: ${method.toUpperCase()} validates with ${identifier} but its document does not reference ${missing.join(", ")}`);
            checked++;
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it("when /docs is opened in a browser, then selecting each service shows all its operations, the events are listed, and nothing goes wrong in the console", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${GATEWAY}/docs`, { waitUntil: "networkidle" });
      const select = page.locator(".topbar select");
      await page.waitForFunction((count) => document.querySelectorAll(".topbar select option").length === count, DOCUMENTED_SERVICES.length, { timeout: 15_000 });
      const options = await select.locator("option").allTextContents();
      expect(options).toEqual([...DOCUMENTED_SERVICES]);
      for (const { service, public: publicDocument } of documents) {
        await select.selectOption({ label: service });
        const expected = operationsOf(publicDocument.json).map(({ path, method }) => `${method.toUpperCase()} ${path}`);
        const shown = await page
          .waitForFunction(
            // An operation with two tags is shown under each: count the distinct ones.
            ({ title, count }) =>
              document.querySelector(".information-container .title")?.textContent?.includes(title) &&
              new Set([...document.querySelectorAll(".opblock-summary-path")].map((path) => `${path.closest(".opblock")?.className} ${path.getAttribute("data-path")}`)).size === count,
            { title: publicDocument.json.info.title as string, count: expected.length },
            { timeout: 15_000 },
          )
          .then(() => true, () => false);
        expect({ service, shown }).toEqual({ service, shown: true });
        expect({ service, operations: [...new Set(await renderedOperations(page))].sort() }).toEqual({ service, operations: expected.sort() });
      }
      await page.locator("#channels details.channel").first().waitFor();
      expect(await page.locator("#channels .address").allTextContents()).toEqual(expect.arrayContaining([topics.tokenEvents, topics.authEvents, "/ws/game"]));
      expect(await page.locator("#asyncapi-link").getAttribute("href")).toBe("/asyncapi.json");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
