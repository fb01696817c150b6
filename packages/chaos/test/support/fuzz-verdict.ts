import { errorBodySchema } from "@tollgate/contracts";
import type { FuzzCase } from "./fuzz-cases";
import { UPSTREAM_MARKER } from "./fuzz-upstream";
import { headerOf, type WireAnswer } from "./fuzz-wire";

export interface Verdict {
  /** The summary's bucket: the status, or what came instead of one. */
  outcome: string;
  /** Why the answer breaks the rule, when it does. */
  fault?: string;
}

const head = (body: Buffer) => JSON.stringify(body.toString("utf8").slice(0, 300));

/** The standard error body with the answer's status and its one X-Request-Id, or what is wrong with it. */
function standardBodyFault(status: number | undefined, body: Buffer, requestIds: string[]): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return `body is not JSON: ${head(body)}`;
  }
  const parsed = errorBodySchema.strict().safeParse(json);
  if (!parsed.success) return `body is not the standard error body (${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}): ${head(body)}`;
  if (status !== undefined && parsed.data.status_code !== status) return `status_code ${parsed.data.status_code} in the body of a ${status}`;
  if (status !== undefined && (requestIds.length !== 1 || parsed.data.request_id !== requestIds[0])) return `request_id ${parsed.data.request_id} in the body, X-Request-Id headers ${JSON.stringify(requestIds)}`;
  return undefined;
}

/**
 * HTTP/0.9 has no status line: an error shows only in the body, which must then be the standard
 * one below 500. Any other body is an answer to a request that was in fact served.
 */
function judgeBareBody(body: Buffer): Verdict {
  const text = body.toString("utf8");
  if (text.includes("<center>nginx</center>")) return { outcome: "HTTP/0.9 body", fault: `nginx's own HTML error page: ${head(body)}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { outcome: "HTTP/0.9 body" };
  }
  if (typeof json !== "object" || json === null || !("error_code" in json)) return { outcome: "HTTP/0.9 body" };
  const status = Number((json as { status_code?: unknown }).status_code);
  return { outcome: "HTTP/0.9 body", fault: standardBodyFault(undefined, body, []) ?? (status >= 500 ? `${status} in an HTTP/0.9 body: ${head(body)}` : undefined) };
}

/**
 * The rule: no answer is 5xx, and every error answer is the standard JSON body. Exceptions, each
 * documented: a HEAD answer has no body; a client that asks for text/html gets the proxy's
 * refusal page (README, app origin), which states the status and request id; the application's
 * own answers pass the proxy unchanged. No answer at all is only fine where the client left
 * before its announced body was sent.
 */
export function judge(fuzzCase: FuzzCase, answer: WireAnswer): Verdict {
  if (answer.kind === "no-answer") {
    return { outcome: "no answer (client left)", fault: fuzzCase.request.halfClose ? undefined : `no answer: ${answer.reason}` };
  }
  if (answer.kind === "bare-body") return judgeBareBody(answer.body);
  const { status, headers, body } = answer;
  if (!Number.isInteger(status) || status < 100 || status > 599) return { outcome: "no status", fault: `no status in the answer's first line` };
  if (status >= 500) return { outcome: String(status), fault: `${status} answer: ${head(body)}` };
  if (status < 400) return { outcome: String(status) };
  if (headerOf(headers, UPSTREAM_MARKER)) return { outcome: `${status} (application's own)` };
  if (fuzzCase.request.method === "HEAD") return { outcome: `${status} (HEAD, no body)` };
  const requestIds = headers.filter(([name]) => name === "x-request-id").map(([, value]) => value);
  const contentType = headerOf(headers, "content-type") ?? "";
  const acceptsHtml = /text\/html/i.test(fuzzCase.request.headers.find(([name]) => name.toLowerCase() === "accept")?.[1] ?? "");
  if (acceptsHtml && contentType.startsWith("text/html")) {
    const page = body.toString("utf8");
    const states = page.includes(`Status ${status} · <code>`) && requestIds.length === 1 && page.includes(`request id <code>${requestIds[0]}</code>`);
    return { outcome: `${status} (page for a browser)`, fault: states ? undefined : `HTML answer without its status and request id: ${head(body)}` };
  }
  if (!/^application\/json(;|$)/.test(contentType)) return { outcome: String(status), fault: `Content-Type "${contentType}" on an error answer: ${head(body)}` };
  return { outcome: String(status), fault: standardBodyFault(status, body, requestIds) };
}
