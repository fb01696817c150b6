// Traffic through the gateway while rolling-replace.sh swaps the token service's container.
//   node infra/containers/rolling-traffic.mjs <gateway url> <stop file> <result file>
// Each of WORKERS loops: buy a 1 h token (with an Idempotency-Key, retried as the SDK documents:
// a lost answer, 502/503/504 or 409 IDEMPOTENCY_KEY_IN_USE, three attempts 0.5 s then 1 s
// apart), use it once through the proxy (its first use: the proxy asks the token service, which
// activates it), revoke it and list the user's tokens (token service). The two GETs (the proxied
// use and the list) are retried as the SDK retries a safe request: once, 100 ms later, and only
// when no answer came at all (a kept-alive connection the gateway closed as it reloaded, just as
// the request went out); any answer, a 5xx included, counts as it came. The revocation (a POST)
// is never repeated. It stops when the stop file appears and writes what it saw to the result
// file: counts, retries with the errors that caused them, failures after the documented retries,
// and the id of every token it bought and used.
import { randomUUID } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

const [gateway, stopFile, resultFile] = process.argv.slice(2);
const workers = Number(process.env.WORKERS ?? 4);
const user = `rolling-${Date.now().toString(36)}`;
const password = "a long passphrase here";

async function call(method, path, { headers = {}, body } = {}) {
  const started = Date.now();
  try {
    const res = await fetch(gateway + path, {
      method,
      headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, ms: Date.now() - started };
  } catch (error) {
    return { status: 0, error: String(error.cause?.code ?? error.name), ms: Date.now() - started };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stats = { lastToken: undefined, revoked: 0, revokeFailures: [], purchases: 0, purchaseRetries: 0, purchaseFailures: [], proxied: 0, proxyFailures: [], listed: 0, listFailures: [], safeRetries: [], tokens: [] };

// A GET with the SDK's retry of a safe request (README, the SDK): sent once more after 100 ms
// when it got no answer (status 0); every retry is recorded, with the error that caused it.
async function safeGet(path, headers) {
  const first = await call("GET", path, { headers });
  if (first.status !== 0) return first;
  stats.safeRetries.push({ at: new Date().toISOString(), path, error: first.error });
  await sleep(100);
  return call("GET", path, { headers });
}

async function setup() {
  const reg = await call("POST", "/api/v1/auth/register", { body: { email: `${user}@example.test`, username: user, password } });
  if (reg.status !== 201 && reg.status !== 200) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.json)}`);
  const login = await call("POST", "/api/v1/auth/login", { body: { login: user, password } });
  if (!login.json?.access_token) throw new Error(`login: ${login.status} ${JSON.stringify(login.json)}`);
  const auth = { authorization: `Bearer ${login.json.access_token}` };
  const topUp = await call("POST", "/api/v1/billing/dev/top-ups", { headers: auth, body: { amount: 100_000 } });
  if (topUp.status >= 300) throw new Error(`top-up: ${topUp.status} ${JSON.stringify(topUp.json)}`);
  return { auth, userId: login.json.user?.id };
}

async function purchase(auth) {
  const key = randomUUID();
  const delays = [500, 1000];
  for (let attempt = 0; ; attempt++) {
    const res = await call("POST", "/api/v1/tokens/purchase", { headers: { ...auth, "idempotency-key": key }, body: { duration_hours: 1 } });
    if (res.status === 201 || res.status === 200) return res;
    const retriable = res.status === 0 || [502, 503, 504].includes(res.status) || (res.status === 409 && res.json?.error_code === "IDEMPOTENCY_KEY_IN_USE");
    if (!retriable || attempt >= delays.length) return res;
    stats.purchaseRetries++;
    await sleep(delays[attempt]);
  }
}

async function worker(auth) {
  while (!existsSync(stopFile)) {
    const bought = await purchase(auth);
    stats.purchases++;
    if (!bought.json?.token) { stats.purchaseFailures.push({ at: new Date().toISOString(), status: bought.status, error: bought.error ?? bought.json?.error_code }); continue; }
    const id = bought.json.id ?? bought.json.token_id;
    const used = await safeGet("/api/v1/proxy/headers", { "x-access-token": bought.json.token });
    stats.proxied++;
    if (used.status !== 200) stats.proxyFailures.push({ at: new Date().toISOString(), status: used.status, error: used.error ?? used.json?.error_code });
    else { stats.tokens.push(id); stats.lastToken = bought.json.token; }
    // An account holds a limited number of live tokens (409 TOKEN_LIMIT_REACHED): give it back.
    // The last one stays live, for the revocation check that follows.
    const revoked = await call("POST", `/api/v1/tokens/${id}/revoke`, { headers: auth });
    stats.revoked++;
    if (revoked.status >= 300) stats.revokeFailures.push({ at: new Date().toISOString(), status: revoked.status, error: revoked.error ?? revoked.json?.error_code });
    const listed = await safeGet("/api/v1/tokens/my-tokens", auth);
    stats.listed++;
    if (listed.status !== 200) stats.listFailures.push({ at: new Date().toISOString(), status: listed.status, error: listed.error ?? listed.json?.error_code });
  }
}

const started = Date.now();
const { auth, userId } = await setup();
writeFileSync(`${resultFile}.ready`, JSON.stringify({ user, userId }));
await Promise.all(Array.from({ length: workers }, () => worker(auth)));
// The last token bought stays live for the revocation check: buy and use one more, unrevoked.
const last = await purchase(auth);
if (last.json?.token) {
  const used = await safeGet("/api/v1/proxy/headers", { "x-access-token": last.json.token });
  if (used.status === 200) { stats.tokens.push(last.json.id); stats.lastToken = last.json.token; }
}
writeFileSync(resultFile, JSON.stringify({ user, userId, seconds: (Date.now() - started) / 1000, ...stats }, null, 1));
