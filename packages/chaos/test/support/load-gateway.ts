import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";

export interface StackUser {
  accessToken: string;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A new user, registered and logged in through the gateway. */
export async function newUser(gatewayUrl: string): Promise<StackUser> {
  const username = `chaos-${randomBytes(5).toString("hex")}`;
  const password = "a long passphrase here";
  await postJson(`${gatewayUrl}/api/v1/auth/register`, { email: `${username}@example.test`, username, password });
  const login = await postJson(`${gatewayUrl}/api/v1/auth/login`, { login: username, password });
  return { accessToken: String(login.access_token) };
}

/** An access token for the proxy, bought through the gateway. */
export async function buyToken(gatewayUrl: string, user: StackUser): Promise<string> {
  const bought = await postJson(`${gatewayUrl}/api/v1/tokens/purchase`, { duration_hours: 1 }, { authorization: `Bearer ${user.accessToken}` });
  return String(bought.token);
}

export interface Timed {
  status: number;
  /** `error_code` of a standard error body, when there is one. */
  errorCode: string | undefined;
  body: string;
  ms: number;
}

/** One request, timed from sending to the last byte of the body. */
export async function timedFetch(url: string, init?: RequestInit): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  let errorCode: string | undefined;
  try {
    errorCode = (JSON.parse(body) as { error_code?: string }).error_code;
  } catch {
    errorCode = undefined;
  }
  return { status: res.status, errorCode, body, ms: performance.now() - started };
}

/** The Prometheus gauge `tollgate_circuit_breaker_state{dependency}` as the service exposes it (0 closed, 1 open). */
export async function breakerState(metricsUrl: string, dependency: string): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split("\n").find((entry) => entry.startsWith(`tollgate_circuit_breaker_state{dependency="${dependency}"}`));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

/** The environment a stack process was started with (Linux: /proc/<pid>/environ): the stack keeps its ports and secrets to itself. */
export function processEnv(child: ChildProcess | undefined): Record<string, string> {
  if (!child?.pid) throw new Error("the process is not running");
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${child.pid}/environ`, "latin1").split("\0")) {
    const equals = entry.indexOf("=");
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
