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
