import { errorBodySchema, serverMessageSchema, type ErrorBody, type ServerMessage } from "@tollgate/contracts";
import WebSocket from "ws";
import type { FuzzIdentity } from "./fuzz-draft";
import { routesOfDocument, type FuzzRoute } from "./fuzz-routes";

/** One request through the gateway: its status, how long the answer took, and what it said. */
export interface Answer {
  what: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  body: unknown;
}

/** Sends a request and times it to the last byte of the body. */
export async function ask(what: string, url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { what, status: res.status, ms, retryAfter: res.headers.get("retry-after"), body };
}

export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** The codes of a 503 that says "a dependency is down, retry": it failed now, or failed so often that it is not asked for a while. */
const UNAVAILABLE_CODES = ["SERVICE_UNAVAILABLE", "BREAKER_OPEN"];

/**
 * The answer to a request that needs a dependency that is down: 503 SERVICE_UNAVAILABLE (or
 * BREAKER_OPEN) in the standard body with a Retry-After of whole seconds, within `boundMs`; never a 500.
 */
export function expectUnavailable(answer: Answer, boundMs: number): ErrorBody {
  expect({ what: answer.what, status: answer.status }).toEqual({ what: answer.what, status: 503 });
  const body = errorBodySchema.parse(answer.body);
  expect(UNAVAILABLE_CODES).toContain(body.error_code);
  expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
  expect({ what: answer.what, withinBound: answer.ms <= boundMs, ms: Math.round(answer.ms) }).toEqual({ what: answer.what, withinBound: true, ms: Math.round(answer.ms) });
  return body;
}

/** An answer that did not need the dependency that is down: the normal status, within `boundMs`. */
export function expectServed(answer: Answer, status: number, boundMs: number): void {
  expect({ what: answer.what, status: answer.status, body: answer.status === status ? undefined : answer.body }).toEqual({ what: answer.what, status, body: undefined });
  expect({ what: answer.what, withinBound: answer.ms <= boundMs, ms: Math.round(answer.ms) }).toEqual({ what: answer.what, withinBound: true, ms: Math.round(answer.ms) });
}

/** A `/ws/game` socket through the gateway that keeps every message it gets. */
export class GameSocketProbe {
  readonly messages: ServerMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; ms: number }>;
  private readonly started = performance.now();

  constructor(
    gatewayUrl: string,
    accessToken: string,
    private readonly ws = new WebSocket(`${gatewayUrl.replace(/^http/, "ws")}/ws/game`, { headers: { Authorization: `Bearer ${accessToken}` } }),
  ) {
    ws.on("message", (data) => {
      const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
      this.messages.push(parsed.success ? parsed.data : { type: "error", code: "unparsable", message: data.toString() });
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    this.closed = new Promise((resolve) => ws.once("close", (code) => resolve({ code, ms: performance.now() - this.started })));
  }

  /** The first message matching, and how long after opening it came. */
  async next(match: (message: ServerMessage) => boolean, timeoutMs = 10_000): Promise<{ message: ServerMessage; ms: number }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const message = this.messages.find(match);
      if (message) return { message, ms: performance.now() - this.started };
      if (performance.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}

/** Collects measured times and prints them as one table at the end of a file. */
export class Timings {
  private readonly rows: string[] = [];

  add(phase: string, answer: { what: string; ms: number; status?: number | string }): void {
    this.rows.push(`${phase.padEnd(16)} ${answer.what.padEnd(44)} ${String(answer.status ?? "").padEnd(26)} ${answer.ms.toFixed(0).padStart(6)} ms`);
  }

  print(title: string): void {
    process.stdout.write(`\n${title}\n${this.rows.join("\n")}\n`);
  }
}

/** Every documented operation of every service behind the gateway (read before an outage: the documents are served by the services). */
export async function documentedRoutes(gatewayUrl: string): Promise<FuzzRoute[]> {
  const routes: FuzzRoute[] = [];
  for (const service of ["auth", "token", "proxy", "game-realtime"]) {
    const res = await fetch(`${gatewayUrl}/openapi/${service}.json`);
    if (!res.ok) throw new Error(`GET /openapi/${service}.json: ${res.status}`);
    routes.push(...routesOfDocument((await res.json()) as Parameters<typeof routesOfDocument>[0]));
  }
  // Logging out or changing the password first would make every later answer a 401.
  return routes.sort((a, b) => Number(a.spendsCredentials) - Number(b.spendsCredentials));
}

/** Calls each route once as `identity`, with its documented example body: what a client would send. */
export async function callEveryRoute(gatewayUrl: string, routes: FuzzRoute[], identity: FuzzIdentity): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const route of routes) {
    const headers: Record<string, string> = {};
    if (route.bearer) headers.authorization = `Bearer ${identity.bearer}`;
    if (route.accessToken) headers["x-access-token"] = identity.accessToken;
    const hasBody = !["GET", "HEAD", "DELETE", "OPTIONS"].includes(route.method);
    if (hasBody) headers["content-type"] = "application/json";
    const path = `${route.path(identity)}${route.query ? `?${route.query}` : ""}`;
    answers.push(await ask(route.name, `${gatewayUrl}${path}`, { method: route.method, headers, body: hasBody ? JSON.stringify(route.body ?? {}) : undefined }));
  }
  return answers;
}

/**
 * What no route may answer while a dependency is down: a 5xx other than 503, a 503 without the
 * standard body or Retry-After, or anything slower than `boundMs`. Returns the offenders, to be
 * asserted empty (so a failure lists them all).
 */
export function offenders(answers: Answer[], boundMs: number): string[] {
  return answers.flatMap((answer) => {
    const problems: string[] = [];
    if (answer.status >= 500 && answer.status !== 503) problems.push(`${answer.status}`);
    if (answer.status === 503) {
      const body = errorBodySchema.safeParse(answer.body);
      // A HEAD answer has no body to check.
      const headWithoutBody = answer.what.startsWith("HEAD ") && answer.body === "";
      if (!headWithoutBody && !(body.success && UNAVAILABLE_CODES.includes(body.data.error_code))) problems.push(`503 body ${JSON.stringify(answer.body).slice(0, 200)}`);
      if (!/^[1-9]\d*$/.test(answer.retryAfter ?? "")) problems.push(`503 without Retry-After`);
    }
    if (answer.ms > boundMs) problems.push(`${Math.round(answer.ms)} ms > ${boundMs} ms`);
    return problems.length > 0 ? [`${answer.what}: ${problems.join(", ")}`] : [];
  });
}

/** One line per status: how many routes answered it and the slowest of them. */
export function summary(answers: Answer[]): { what: string; status: string; ms: number }[] {
  const byStatus = new Map<number, Answer[]>();
  for (const answer of answers) byStatus.set(answer.status, [...(byStatus.get(answer.status) ?? []), answer]);
  return [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, group]) => {
      const slowest = group.reduce((a, b) => (b.ms > a.ms ? b : a));
      return { what: `every route: ${group.length} answered ${status}`, status: `slowest ${slowest.what}`.slice(0, 60), ms: slowest.ms };
    });
}
