import { errorBodySchema, purchaseTokenResponseSchema } from "@tollgate/contracts";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * What the buyer confirmed binds the purchase (price_id), bodyless routes refuse a body, and GET
 * routes refuse query parameters they do not take (issue #19).
 */
describe("purchase price binding and strict requests", () => {
  let fx: TokenFixture;

  beforeAll(async () => {
    fx = await startTokenFixture({ prices: { 1: 200, 12: 1500, 24: 2500, 168: 12000, 720: 40000 } });
  });

  afterAll(async () => {
    await fx.close();
  });

  const prices = async () => (await fx.billing.useCases.read.priceList()).prices;
  const purchase = (userToken: string, body: object, key: string) => request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken)).set("Idempotency-Key", key).send(body);

  it("when the purchase names another duration's price_id (a 12 h price for 1 h), then 422 UNKNOWN_PRICE, nothing is debited, no token is made, and its key replays the 422", async () => {
    const buyer = await fx.auth.user();
    await fx.billing.topUp(buyer.userId, 5_000);
    const twelveHours = (await prices()).find((price) => price.duration_hours === 12);
    const refused = await purchase(buyer.token, { duration_hours: 1, price_id: twelveHours?.price_id }, "buy-1h-at-12h-price");
    expect([refused.status, refused.body.error_code]).toEqual([422, "UNKNOWN_PRICE"]);
    expect(refused.body.detail).toContain("is not a price of a 1 h token");
    expect(await fx.billing.balance(buyer.userId)).toBe(5_000);
    expect(await fx.knex("access_tokens").where({ user_id: buyer.userId })).toHaveLength(0);
    const replayed = await purchase(buyer.token, { duration_hours: 1, price_id: twelveHours?.price_id }, "buy-1h-at-12h-price");
    expect([replayed.status, replayed.body.error_code]).toEqual([422, "UNKNOWN_PRICE"]);
    expect(await fx.billing.balance(buyer.userId)).toBe(5_000);
  });

  it("when the price changes between showing $2.00 and the buyer's yes, then the purchase naming the shown price_id is 409 PRICE_CHANGED, nothing is debited, no token is made, and its key replays the 409", async () => {
    const ada = await fx.auth.user();
    await fx.billing.topUp(ada.userId, 1_000);
    const shown = (await prices()).find((price) => price.duration_hours === 1);
    expect(shown?.unit_amount).toBe(200);
    // An admin's PUT /api/v1/admin/billing/prices {"prices":[{"duration_hours":1,"unit_amount":300}]} meanwhile.
    await fx.billing.setPrices({ 1: 300, 12: 1500, 24: 2500, 168: 12000, 720: 40000 });

    const refused = await purchase(ada.token, { duration_hours: 1, price_id: shown?.price_id }, "buy-1h");
    expect(refused.status).toBe(409);
    expect(errorBodySchema.parse(refused.body).error_code).toBe("PRICE_CHANGED");
    expect(refused.body.detail).toContain("300");
    expect(await fx.billing.balance(ada.userId)).toBe(1_000);
    expect(await fx.knex("access_tokens").where({ user_id: ada.userId })).toHaveLength(0);
    expect(await fx.knex("purchases").where({ user_id: ada.userId }).select("status", "error_code")).toEqual([{ status: "failed", error_code: "PRICE_CHANGED" }]);

    const replayed = await purchase(ada.token, { duration_hours: 1, price_id: shown?.price_id }, "buy-1h");
    expect([replayed.status, replayed.body.error_code]).toEqual([409, "PRICE_CHANGED"]);
    expect(await fx.billing.balance(ada.userId)).toBe(1_000);

    // The new price, confirmed under a new key, buys at $3.00.
    const current = (await prices()).find((price) => price.duration_hours === 1);
    const bought = await purchase(ada.token, { duration_hours: 1, price_id: current?.price_id }, "buy-1h-again");
    expect(bought.status).toBe(201);
    expect(purchaseTokenResponseSchema.parse(bought.body)).toMatchObject({ amount: 300, price_id: current?.price_id });
    expect(await fx.billing.balance(ada.userId)).toBe(700);
  });

  it("when the same key is sent with another price_id, then 422 IDEMPOTENCY_KEY_REUSED; without price_id the current price is charged as before", async () => {
    const bo = await fx.auth.user();
    await fx.billing.topUp(bo.userId, 1_000);
    const current = (await prices()).find((price) => price.duration_hours === 1);
    expect((await purchase(bo.token, { duration_hours: 1, price_id: current?.price_id }, "k")).status).toBe(201);
    const reused = await purchase(bo.token, { duration_hours: 1, price_id: randomUUID() }, "k");
    expect([reused.status, reused.body.error_code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    const unbound = await purchase(bo.token, { duration_hours: 1 }, "k2");
    expect(unbound.status).toBe(201);
    const malformed = await purchase(bo.token, { duration_hours: 1, price_id: "not-a-uuid" }, "k3");
    expect([malformed.status, malformed.body.error_code]).toEqual([422, "VALIDATION_ERROR"]);
  });

  it("when a token refund is sent a body ({\"amount\":1}, [1,2], null), then 422 naming what is wrong, and nothing is refunded; none or {} refunds", async () => {
    const cy = await fx.auth.user();
    await fx.billing.topUp(cy.userId, 1_000);
    const bought = purchaseTokenResponseSchema.parse((await purchase(cy.token, { duration_hours: 1 }, "cy")).body);
    const refund = (body?: string) => {
      const call = request(fx.app).post(`/api/v1/tokens/${bought.id}/refund`).set(bearer(cy.token));
      return body === undefined ? call.send() : call.set("Content-Type", "application/json").send(body);
    };
    const amount = await refund('{"amount":1}');
    expect([amount.status, amount.body.error_code]).toEqual([422, "VALIDATION_ERROR"]);
    expect(amount.body.detail).toContain('"amount"');
    for (const body of ["[1,2]", "null", "1", '"x"']) expect((await refund(body)).status).toBe(422);
    expect(await fx.billing.balance(cy.userId)).toBe(1_000 - bought.amount);
    expect((await refund("{}")).status).toBe(200);
    expect((await refund()).status).toBe(200);
    expect(await fx.billing.balance(cy.userId)).toBe(1_000);
  });

  it("when a revoke is sent null, then 422 (null is a body, not an empty one)", async () => {
    const di = await fx.auth.user();
    await fx.billing.topUp(di.userId, 1_000);
    const bought = purchaseTokenResponseSchema.parse((await purchase(di.token, { duration_hours: 1 }, "di")).body);
    const res = await request(fx.app).post(`/api/v1/tokens/${bought.id}/revoke`).set(bearer(di.token)).set("Content-Type", "application/json").send("null");
    expect(res.status).toBe(422);
    const admin = await fx.auth.user("admin");
    const byAdmin = await request(fx.app).post(`/api/v1/admin/tokens/${bought.id}/revoke`).set(bearer(admin.token)).set("Content-Type", "application/json").send("null");
    expect(byAdmin.status).toBe(422);
    expect((await request(fx.app).get(`/api/v1/tokens/${bought.id}`).set(bearer(di.token))).body.status).toBe("pending");
  });

  it("when a GET route is sent a query parameter it does not take, then 422 names it", async () => {
    const ed = await fx.auth.user();
    await fx.billing.topUp(ed.userId, 1_000);
    const bought = purchaseTokenResponseSchema.parse((await purchase(ed.token, { duration_hours: 1 }, "ed")).body);
    const admin = await fx.auth.user("admin");
    const service = await fx.auth.serviceToken("tokens:validate");
    const calls: [string, string][] = [
      [`/api/v1/tokens/${bought.id}?foo=bar`, ed.token],
      ["/api/v1/tokens/my-tokens?foo=bar", ed.token],
      ["/api/v1/admin/tokens?foo=bar", admin.token],
      [`/internal/v1/tokens/status?token=${bought.token}&foo=bar`, service],
    ];
    for (const [path, token] of calls) {
      const res = await request(fx.app).get(path).set(bearer(token));
      expect([path, res.status, res.body.error_code]).toEqual([path, 422, "VALIDATION_ERROR"]);
      expect(res.body.detail).toContain('"foo"');
    }
  });
});
