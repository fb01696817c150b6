import { errorBodySchema } from "@tollgate/contracts";
import fc from "fast-check";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

/** Anything a client might send: wrong types, missing and extra fields, huge strings, control characters. */
const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.string({ minLength: 2_000, maxLength: 20_000 }),
  fc.constantFrom(1, 12, 24, 168, 720, "24", -1, 1e308),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.integer(), { maxKeys: 3 }),
);
const objectBody = fc.dictionary(fc.constantFrom("duration_hours", "token", "reason", "extra", "__proto__", "constructor", ""), jsonValue, { maxKeys: 4 });
const rawBody = fc.oneof(
  objectBody.map((body) => JSON.stringify(body)),
  jsonValue.map((value) => JSON.stringify(value)),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom("{", "{\"duration_hours\":", "[1,2", "nul", "\u0000\u0001", '{"a":1}}'),
);

const RUNS = 1_000;

describe("malformed bodies", () => {
  let fx: TokenFixture;
  let userToken: string;
  let serviceToken: string;
  let tokenId: string;

  beforeAll(async () => {
    fx = await startTokenFixture({ maxTokensPerUser: 10_000 });
    userToken = (await fx.auth.user()).token;
    serviceToken = await fx.auth.serviceToken("tokens:validate");
    tokenId = (await request(fx.app).post("/api/v1/tokens/purchase").set({ Authorization: `Bearer ${userToken}` }).send({ duration_hours: 1 })).body.id;
  });

  afterAll(async () => {
    await fx.close();
  });

  const endpoints = () => [
    { name: "purchase", path: "/api/v1/tokens/purchase", auth: userToken },
    { name: "revoke", path: `/api/v1/tokens/${tokenId}/revoke`, auth: userToken },
    { name: "validate", path: "/internal/v1/tokens/validate", auth: serviceToken },
  ];

  it.each(["purchase", "revoke", "validate"])("when %s gets 1,000 generated malformed bodies, then none is a 5xx and every error is the standard body", async (name) => {
    const endpoint = endpoints().find((candidate) => candidate.name === name);
    if (!endpoint) throw new Error(`no endpoint ${name}`);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const res = await request(fx.app).post(endpoint.path).set({ Authorization: `Bearer ${endpoint.auth}`, "Content-Type": "application/json" }).send(body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) return false;
        if (res.status >= 400) errorBodySchema.parse(res.body);
        return true;
      }),
      { numRuns: RUNS },
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
    // The generator must reach the validation layer, not only the JSON parser.
    expect(statuses.get(422) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it("when my-tokens gets malformed queries, then none is a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("active_only", "x", "active_only[]"), fc.string({ maxLength: 30 }), { maxKeys: 3 }), async (query) => {
        const res = await request(fx.app).get("/api/v1/tokens/my-tokens").query(query).set({ Authorization: `Bearer ${userToken}` });
        if (res.status >= 400) errorBodySchema.parse(res.body);
        return res.status < 500;
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
