import { errorBodySchema, purchaseTokenResponseSchema } from "@tollgate/contracts";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("REQUIRE_VERIFIED_EMAIL", () => {
  let fx: TokenFixture;

  beforeAll(async () => {
    fx = await startTokenFixture({ requireVerifiedEmail: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  const purchasesCounted = async () => (await fx.metrics.http.registry.getSingleMetric("token_purchases_total")?.get())?.values.reduce((sum, sample) => sum + sample.value, 0) ?? 0;

  it("when an account whose address is not verified buys, then 403 EMAIL_NOT_VERIFIED, and no token is stored or counted", async () => {
    const unverified = await fx.auth.user();
    const before = await purchasesCounted();
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(unverified.token)).send({ duration_hours: 1 });
    expect(res.status).toBe(403);
    const body = errorBodySchema.parse(res.body);
    expect(body.error_code).toBe("EMAIL_NOT_VERIFIED");
    expect(body.detail).toMatch(/verify your e-mail address/);
    expect(await fx.knex("access_tokens").where({ user_id: unverified.userId })).toEqual([]);
    expect(await purchasesCounted()).toBe(before);
  });

  it("when an account whose address is verified buys, then the token is sold as usual", async () => {
    const verified = await fx.auth.user("user", { emailVerified: true });
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(verified.token)).send({ duration_hours: 1 });
    expect(res.status).toBe(201);
    expect(purchaseTokenResponseSchema.parse(res.body).status).toBe("pending");
  });
});
