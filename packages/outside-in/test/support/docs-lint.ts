import { Parser, type AsyncAPIDocumentInterface } from "@asyncapi/parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";

export interface LintProblem {
  severity: string;
  rule: string;
  message: string;
  where: string;
}

/** The recommended ruleset of the OpenAPI linter, unchanged: no rule is turned off. */
export async function lintOpenApi(text: string, name: string): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ["recommended"] });
  const problems = await lintFromString({ source: text, absoluteRef: `/${name}.json`, config });
  return problems.map((problem) => ({
    severity: problem.severity,
    rule: problem.ruleId,
    message: problem.message,
    where: problem.location[0]?.pointer ?? "",
  }));
}

/** The AsyncAPI parser's diagnostics; severity 0 is an error (then 1 warning, 2 information, 3 hint). */
export interface AsyncApiDiagnostic {
  severity: number;
  code: string;
  message: string;
  path: string;
}

export async function parseAsyncApi(text: string): Promise<{ document: AsyncAPIDocumentInterface | undefined; diagnostics: AsyncApiDiagnostic[] }> {
  const { document, diagnostics } = await new Parser().parse(text);
  return { document, diagnostics: diagnostics.map((diagnostic) => ({ severity: diagnostic.severity, code: String(diagnostic.code), message: diagnostic.message, path: diagnostic.path.join("/") })) };
}
