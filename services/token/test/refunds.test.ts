import { errorBodySchema, eventTypes, purchaseTokenResponseSchema, refundTokenResponseSchema, tokenItemSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const PRICES = { 1: 200, 12: 1500, 24: 2500, 168: 12000, 720: 40000 };

/**
 * A second refund of the same token is not an error: it answers the same 200 (Stripe-like
 * idempotency) and moves no money, whether the first one finished or was cut short.
 */
describe("refunds of unused tokens", () => {
  let fx: TokenFixture;

  beforeAll(async () => {
    fx = await startTokenFixture({ prices: PRICES, recoverAfterSeconds: 0 });
  });

  afterAll(async () => {
    await fx.close();
  });

  async function buyToken(userToken: string, durationHours: 1 | 24) {
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken)).set("Idempotency-Key", `buy-${Math.random()}`).send({ duration_hours: durationHours });
    expect(res.status).toBe(201);
    return purchaseTokenResponseSchema.parse(res.body);
  }
  const refund = (userToken: string, tokenId: string) => request(fx.app).post(`/api/v1/tokens/${tokenId}/refund`).set(bearer(userToken)).send();
  const validate = async (token: string) =>
    request(fx.app)
      .post("/internal/v1/tokens/validate")
      .set(bearer(await fx.auth.serviceToken("tokens:validate")))
      .send({ token });
  const refunds = async (userId: string) => (await fx.billing.useCases.read.transactions(userId, { limit: 100 })).data.filter((transaction) => transaction.kind === "refund");

  it("when an unused token is refunded, then the wallet is credited once, the token is refunded and refused, and token.revoked is published", async () => {
    const alice = await fx.auth.user();
    await fx.billing.topUp(alice.userId, 5_000);
    const bought = await buyToken(alice.token, 24);
    expect(await fx.billing.balance(alice.userId)).toBe(2_500);

    const res = await refund(alice.token, bought.id);
    expect(res.status).toBe(200);
    expect(refundTokenResponseSchema.parse(res.body)).toEqual({ token_id: bought.id, purchase_id: bought.purchase_id, status: "refunded", amount: 2500, currency: "usd" });
    expect(await fx.billing.balance(alice.userId)).toBe(5_000);

    const item = tokenItemSchema.parse((await request(fx.app).get(`/api/v1/tokens/${bought.id}`).set(bearer(alice.token))).body);
    expect(item.status).toBe("refunded");
    const refused = await validate(bought.token);
    expect(refused.status).toBe(401);
    expect(errorBodySchema.parse(refused.body).error_code).toBe("TOKEN_REVOKED");
    await waitFor(() => fx.events.values<{ type: string; data: { token_id: string; reason: string } }>().some((event) => event.type === eventTypes.tokenRevoked && event.data.token_id === bought.id && event.data.reason === "refunded"), {
      what: "token.revoked for the refund",
    });
  });

  it("when a refunded token is refunded again, then the same 200 comes back and nothing more is credited", async () => {
    const bob = await fx.auth.user();
    await fx.billing.topUp(bob.userId, 1_000);
    const bought = await buyToken(bob.token, 1);
    const first = await refund(bob.token, bought.id);
    const second = await refund(bob.token, bought.id);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await fx.billing.balance(bob.userId)).toBe(1_000);
    expect(await refunds(bob.userId)).toHaveLength(1);
  });

  it("when a used token is refunded, then 409 TOKEN_ALREADY_USED and nothing is credited", async () => {
    const carol = await fx.auth.user();
    await fx.billing.topUp(carol.userId, 1_000);
    const bought = await buyToken(carol.token, 1);
    expect((await validate(bought.token)).status).toBe(200);
    const res = await refund(carol.token, bought.id);
    expect(res.status).toBe(409);
    expect(errorBodySchema.parse(res.body).error_code).toBe("TOKEN_ALREADY_USED");
    expect(await fx.billing.balance(carol.userId)).toBe(800);
  });

  it("when someone else's token is refunded, then 404 and it stays usable", async () => {
    const [dave, erin] = [await fx.auth.user(), await fx.auth.user()];
    await fx.billing.topUp(dave.userId, 1_000);
    const bought = await buyToken(dave.token, 1);
    expect((await refund(erin.token, bought.id)).status).toBe(404);
    expect((await validate(bought.token)).status).toBe(200);
  });

  const revokeAsOwner = (userToken: string, tokenId: string) => request(fx.app).post(`/api/v1/tokens/${tokenId}/revoke`).set(bearer(userToken)).send({});

  it("when the owner revoked a token never used, then it can still be refunded: 200, the price back once, the token refunded and still refused", async () => {
    const gina = await fx.auth.user();
    await fx.billing.topUp(gina.userId, 1_000);
    const bought = await buyToken(gina.token, 1);
    expect((await revokeAsOwner(gina.token, bought.id)).status).toBe(200);

    const res = await refund(gina.token, bought.id);
    expect(res.status).toBe(200);
    expect(refundTokenResponseSchema.parse(res.body)).toMatchObject({ token_id: bought.id, status: "refunded", amount: 200 });
    expect(await fx.billing.balance(gina.userId)).toBe(1_000);
    expect((await refund(gina.token, bought.id)).body).toEqual(res.body);
    expect(await refunds(gina.userId)).toHaveLength(1);
    const item = tokenItemSchema.parse((await request(fx.app).get(`/api/v1/tokens/${bought.id}`).set(bearer(gina.token))).body);
    expect(item.status).toBe("refunded");
    expect((await validate(bought.token)).status).toBe(401);
  });

  it("when an admin revoked a token never used, then its owner can refund it", async () => {
    const [hana, admin] = [await fx.auth.user(), await fx.auth.user("admin")];
    await fx.billing.topUp(hana.userId, 1_000);
    const bought = await buyToken(hana.token, 1);
    expect((await request(fx.app).post(`/api/v1/admin/tokens/${bought.id}/revoke`).set(bearer(admin.token)).send({})).status).toBe(200);
    const res = await refund(hana.token, bought.id);
    expect(res.status).toBe(200);
    expect(await fx.billing.balance(hana.userId)).toBe(1_000);
  });

  it("when a token was used and then revoked, then 409 TOKEN_ALREADY_USED and nothing is credited", async () => {
    const ian = await fx.auth.user();
    await fx.billing.topUp(ian.userId, 1_000);
    const bought = await buyToken(ian.token, 1);
    expect((await validate(bought.token)).status).toBe(200);
    await revokeAsOwner(ian.token, bought.id);
    const res = await refund(ian.token, bought.id);
    expect(res.status).toBe(409);
    expect(errorBodySchema.parse(res.body).error_code).toBe("TOKEN_ALREADY_USED");
    expect(await fx.billing.balance(ian.userId)).toBe(800);
  });

  it("when a token never used was revoked because its account was disabled, then 409 TOKEN_NOT_REFUNDABLE and nothing is credited", async () => {
    const jo = await fx.auth.user();
    await fx.billing.topUp(jo.userId, 1_000);
    const bought = await buyToken(jo.token, 1);
    // What the user.disabled consumer does; the account is then enabled again by an admin.
    await fx.knex.transaction((tx) => fx.useCases.revoke.revokeAllOfUser(tx, jo.userId));
    const res = await refund(jo.token, bought.id);
    expect(res.status).toBe(409);
    expect(errorBodySchema.parse(res.body).error_code).toBe("TOKEN_NOT_REFUNDABLE");
    expect(await fx.billing.balance(jo.userId)).toBe(800);
  });

  it("when the refund is sent a body that is not JSON, then 400 MALFORMED_JSON or 415, and nothing is refunded", async () => {
    const kai = await fx.auth.user();
    await fx.billing.topUp(kai.userId, 1_000);
    const bought = await buyToken(kai.token, 1);
    const malformed = await request(fx.app).post(`/api/v1/tokens/${bought.id}/refund`).set(bearer(kai.token)).set("Content-Type", "application/json").send("{oops");
    expect(malformed.status).toBe(400);
    expect(errorBodySchema.parse(malformed.body).error_code).toBe("MALFORMED_JSON");
    const text = await request(fx.app).post(`/api/v1/tokens/${bought.id}/refund`).set(bearer(kai.token)).set("Content-Type", "text/plain").send("refund please");
    expect(text.status).toBe(415);
    expect(errorBodySchema.parse(text.body).error_code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await fx.billing.balance(kai.userId)).toBe(800);
  });

  it("when an admin refunded part of the purchase first, then the answer states what this refund credited (150 of 200), the same on a repeat", async () => {
    const [lu, admin] = [await fx.auth.user(), await fx.auth.user("admin")];
    await fx.billing.topUp(lu.userId, 1_000);
    const bought = await buyToken(lu.token, 1);
    await fx.billing.useCases.admin.refund({ userId: admin.userId }, { purchase_id: bought.purchase_id, amount: 50, reason: "goodwill" });
    const first = await refund(lu.token, bought.id);
    expect(await fx.billing.balance(lu.userId)).toBe(1_000);
    expect(first.body).toMatchObject({ status: "refunded", amount: 150 });
    expect((await refund(lu.token, bought.id)).body).toEqual(first.body);
  });

  it("when an admin refunded the whole purchase first, then 409 TOKEN_ALREADY_REFUNDED (not a refund of 0), again on a repeat, and nothing more is credited", async () => {
    const [mo, admin] = [await fx.auth.user(), await fx.auth.user("admin")];
    await fx.billing.topUp(mo.userId, 5_000);
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(mo.token)).set("Idempotency-Key", "twelve").send({ duration_hours: 12 });
    const bought = purchaseTokenResponseSchema.parse(res.body);
    await fx.billing.useCases.admin.refund({ userId: admin.userId }, { purchase_id: bought.purchase_id, amount: 1500, reason: "goodwill" });
    const first = await refund(mo.token, bought.id);
    expect(await fx.billing.balance(mo.userId)).toBe(5_000);
    expect([first.status, first.body.error_code]).toEqual([409, "TOKEN_ALREADY_REFUNDED"]);
    const again = await refund(mo.token, bought.id);
    expect([again.status, again.body.error_code]).toEqual([409, "TOKEN_ALREADY_REFUNDED"]);
  });

  it("when billing is down during a refund, then 503 with the token already refunded, and the sweep later returns the money once", async () => {
    const frank = await fx.auth.user();
    await fx.billing.topUp(frank.userId, 1_000);
    const bought = await buyToken(frank.token, 1);
    await fx.billing.stop();
    let res;
    try {
      res = await refund(frank.token, bought.id);
    } finally {
      await fx.billing.start();
    }
    expect(res.status).toBe(503);
    expect((await validate(bought.token)).status).toBe(401);
    expect(await fx.billing.balance(frank.userId)).toBe(800);

    const swept = await fx.useCases.recover.sweepOnce();
    expect(swept.refundsFinished).toBeGreaterThanOrEqual(1);
    expect(await fx.billing.balance(frank.userId)).toBe(1_000);
    await fx.useCases.recover.sweepOnce();
    expect(await refunds(frank.userId)).toHaveLength(1);
    expect((await refund(frank.token, bought.id)).body).toMatchObject({ status: "refunded", amount: 200 });
  });
});
