import { errorBodySchema } from "@tollgate/contracts";
import fc from "fast-check";
import { Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

const RUNS = 1_000;

const controlString = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)), maxLength: 40 });
const hugeString = fc.integer({ min: 129, max: 20_000 }).map((length) => "A".repeat(length));
const oddValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  controlString,
  hugeString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.emailAddress(),
);

/** Objects shaped like the endpoint's body but wrong: missing, extra, mistyped, huge or control-character fields. */
function nearMiss(fields: string[]) {
  const record = fc.record(Object.fromEntries(fields.map((field) => [field, oddValue])), { requiredKeys: [] });
  const extras = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), oddValue, { maxKeys: 3 });
  return fc.tuple(record, extras, fc.boolean()).map(([base, extra, addExtra]) => JSON.stringify(addExtra ? { ...extra, ...base } : base));
}

/** A raw request body and its content type. */
function malformedBody(fields: string[]) {
  const text = fc.oneof(
    { arbitrary: nearMiss(fields), weight: 6 },
    { arbitrary: fc.jsonValue().map((value) => JSON.stringify(value) ?? "null"), weight: 2 },
    { arbitrary: fc.string({ maxLength: 200 }), weight: 2 }, // mostly invalid JSON
    { arbitrary: nearMiss(fields).map((json) => json.slice(0, Math.max(1, json.length - 1))), weight: 1 }, // truncated JSON
    { arbitrary: fc.constant(`{"${fields[0]}":"${"x".repeat(200_000)}"}`), weight: 1 }, // over the body limit
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constant("application/json"), weight: 10 },
    { arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"), weight: 1 },
  );
  return fc.tuple(text, contentType);
}

describe("malformed bodies", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let accessToken: string;
  let adminToken: string;

  beforeAll(async () => {
    fx = await startAuth();
    accessToken = (await registerAndLogin(fx, canaries)).tokens.access_token;
    const admin = await registerAndLogin(fx, canaries);
    await fx.knex("users").where({ id: admin.userId }).update({ role: "admin" });
    const login = await fetch(`${fx.baseUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: admin.account.email, password: admin.account.password }) });
    const pair = (await login.json()) as { access_token: string };
    adminToken = canaries.add(pair.access_token);
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const endpoints: [string, string[], boolean][] = [
    ["/api/v1/auth/register", ["email", "username", "password"], false],
    ["/api/v1/auth/login", ["login", "password"], false],
    ["/api/v1/auth/refresh", ["refresh_token"], false],
    ["/api/v1/auth/service-token", ["client_id", "client_secret"], false],
    ["/api/v1/users/me/password", ["current_password", "new_password", "revoke_other_sessions"], true],
  ];

  it.each(endpoints)(`when ${RUNS} generated malformed bodies are posted to %s, then none gets a 5xx and every error is in the standard body`, async (path, fields, authenticated) => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformedBody(fields), async ([body, contentType]) => {
        const headers: Record<string, string> = { "content-type": contentType };
        if (authenticated) headers.authorization = `Bearer ${accessToken}`;
        const response = await fetch(`${fx.baseUrl}${path}`, { method: "POST", headers, body });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = errorBodySchema.safeParse(JSON.parse(text));
          expect(parsed.success).toBe(true);
          expect(parsed.data?.status_code).toBe(response.status);
        }
      }),
      { numRuns: RUNS },
    );
    // The generators reach the parser, the schema and the body limit, not just one of them.
    expect(seen.get(400)).toBeGreaterThan(0);
    expect(seen.get(413)).toBeGreaterThan(0);
    expect(seen.get(422)).toBeGreaterThan(0);
    expect([...seen.values()].reduce((sum, count) => sum + count, 0)).toBe(RUNS);
  });

  it(`when ${RUNS} generated query strings are sent to the admin audit-log search, then none gets a 5xx and every error is in the standard body`, async () => {
    const key = fc.constantFrom("user_id", "action", "limit", "user_id[]", "action[x]", "other");
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 20 }), controlString, fc.integer().map(String), fc.uuid(), fc.constantFrom("login_success", "0", "-1", "501", "1e3", ""));
    const query = fc.array(fc.tuple(key, value), { maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"));
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(query, async (search) => {
        const response = await fetch(`${fx.baseUrl}/api/v1/admin/audit-logs?${search}`, { headers: { authorization: `Bearer ${adminToken}` } });
        const body = (await response.json()) as unknown;
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(errorBodySchema.safeParse(body).success).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(422)).toBeGreaterThan(0);
  });
});
