import { errorBodySchema, eventTypes, purchaseTokenResponseSchema, tokenItemSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { createPurchaseRefundedConsumer } from "../src/messaging/purchase-refunded.consumer";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";
import type { EventConsumer } from "@tollgate/service-kit";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * A refund that leaves nothing of the price makes the token unusable: billing's purchase.refunded
 * (remaining 0) reaches the token service, which revokes the token as `refunded` (issue #19: an
 * admin's full refund left a used token proxying, and an unused one refundable again for 0).
 */
describe("billing's full refunds and the purchase's token", () => {
  let fx: TokenFixture;
  let consumer: EventConsumer;

  beforeAll(async () => {
    fx = await startTokenFixture({ prices: { 1: 200, 12: 1500, 24: 2500, 168: 12000, 720: 40000 } });
    consumer = createPurchaseRefundedConsumer({
      kafka: fx.kafka,
      knex: fx.knex,
      logger: fx.logger,
      deadLetterProducer: fx.producer,
      revokeRefunded: fx.useCases.revokeRefunded,
      outbox: { announce: () => undefined } as never,
      topicNamespace: fx.namespace,
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await fx.close();
  });

  const buy = async (userToken: string) => {
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken)).set("Idempotency-Key", `buy-${Math.random()}`).send({ duration_hours: 1 });
    expect(res.status).toBe(201);
    return purchaseTokenResponseSchema.parse(res.body);
  };
  const validate = async (token: string) =>
    request(fx.app)
      .post("/internal/v1/tokens/validate")
      .set(bearer(await fx.auth.serviceToken("tokens:validate")))
      .send({ token });
  const adminRefund = async (purchaseId: string, amount: number) => {
    const admin = await fx.auth.user("admin");
    await fx.billing.useCases.admin.refund({ userId: admin.userId }, { purchase_id: purchaseId, amount, reason: "goodwill" });
  };
  /** billing's relay, by hand: every purchase.refunded it wrote for the purchase, onto this service's billing topic (twice: at least once). */
  const deliverRefunds = async (purchaseId: string) => {
    const rows = await fx.billing.knex("outbox").whereRaw("payload->>'type' = ?", [eventTypes.purchaseRefunded]).whereRaw("payload->'data'->>'purchase_id' = ?", [purchaseId]).orderBy("seq");
    const messages = rows.map((row: { message_key: string; payload: unknown }) => ({ key: row.message_key, value: JSON.stringify(row.payload) }));
    await fx.producer.send({ topic: fx.billingTopic, messages: [...messages, ...messages] });
    return rows.length;
  };
  const status = async (userToken: string, id: string) => tokenItemSchema.parse((await request(fx.app).get(`/api/v1/tokens/${id}`).set(bearer(userToken))).body).status;
  const revokedEvents = (tokenId: string) => fx.events.values<{ type: string; data: { token_id: string; reason: string } }>().filter((event) => event.type === eventTypes.tokenRevoked && event.data.token_id === tokenId);

  it("when an admin refunds the whole price of a used 1 h token (200), then the token is refunded, refused by validation, and token.revoked goes out once", async () => {
    const ann = await fx.auth.user();
    await fx.billing.topUp(ann.userId, 1_000);
    const bought = await buy(ann.token);
    expect((await validate(bought.token)).status).toBe(200);

    await adminRefund(bought.purchase_id, 200);
    expect(await deliverRefunds(bought.purchase_id)).toBe(1);
    await waitFor(async () => (await status(ann.token, bought.id)) === "refunded", { timeoutMs: 30_000, what: "the token refunded" });
    const refused = await validate(bought.token);
    expect([refused.status, errorBodySchema.parse(refused.body).error_code]).toEqual([401, "TOKEN_REVOKED"]);
    await waitFor(() => revokedEvents(bought.id).some((event) => event.data.reason === "refunded"), { timeoutMs: 30_000, what: "token.revoked (refunded)" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(revokedEvents(bought.id)).toHaveLength(1);
  });

  it("when an admin refunds the whole price of an unused token, then it is refunded and its owner's refund is 409 TOKEN_ALREADY_REFUNDED, not a refund of 0", async () => {
    const bo = await fx.auth.user();
    await fx.billing.topUp(bo.userId, 1_000);
    const bought = await buy(bo.token);
    await adminRefund(bought.purchase_id, 200);
    await deliverRefunds(bought.purchase_id);
    await waitFor(async () => (await status(bo.token, bought.id)) === "refunded", { timeoutMs: 30_000, what: "the token refunded" });

    for (let attempt = 0; attempt < 2; attempt++) {
      const owner = await request(fx.app).post(`/api/v1/tokens/${bought.id}/refund`).set(bearer(bo.token)).send();
      expect([owner.status, owner.body.error_code]).toEqual([409, "TOKEN_ALREADY_REFUNDED"]);
    }
    expect(await fx.billing.balance(bo.userId)).toBe(1_000);
  });

  it("when the owner refunds before the token service heard of an admin's full refund, then 409 TOKEN_ALREADY_REFUNDED and the token is refunded all the same", async () => {
    const cy = await fx.auth.user();
    await fx.billing.topUp(cy.userId, 1_000);
    const bought = await buy(cy.token);
    await adminRefund(bought.purchase_id, 200);
    const owner = await request(fx.app).post(`/api/v1/tokens/${bought.id}/refund`).set(bearer(cy.token)).send();
    expect([owner.status, owner.body.error_code]).toEqual([409, "TOKEN_ALREADY_REFUNDED"]);
    expect(await status(cy.token, bought.id)).toBe("refunded");
    expect((await validate(bought.token)).status).toBe(401);
    const again = await request(fx.app).post(`/api/v1/tokens/${bought.id}/refund`).set(bearer(cy.token)).send();
    expect([again.status, again.body.error_code]).toEqual([409, "TOKEN_ALREADY_REFUNDED"]);
    expect(await fx.billing.balance(cy.userId)).toBe(1_000);
  });

  it("when an admin refunds part of the price, then the token is left alone: still usable, and its owner may still return it unused for the rest", async () => {
    const di = await fx.auth.user();
    await fx.billing.topUp(di.userId, 1_000);
    const used = await buy(di.token);
    const unused = await buy(di.token);
    expect((await validate(used.token)).status).toBe(200);
    await adminRefund(used.purchase_id, 150);
    await adminRefund(unused.purchase_id, 50);
    await deliverRefunds(used.purchase_id);
    await deliverRefunds(unused.purchase_id);
    // A later full refund of another user's purchase on the same topic shows the partial ones were read.
    const marker = await fx.auth.user();
    await fx.billing.topUp(marker.userId, 1_000);
    const markerToken = await buy(marker.token);
    await adminRefund(markerToken.purchase_id, 200);
    await deliverRefunds(markerToken.purchase_id);
    await waitFor(async () => (await status(marker.token, markerToken.id)) === "refunded", { timeoutMs: 30_000, what: "the marker token refunded" });

    expect((await validate(used.token)).status).toBe(200);
    expect(await status(di.token, unused.id)).toBe("pending");
    const owner = await request(fx.app).post(`/api/v1/tokens/${unused.id}/refund`).set(bearer(di.token)).send();
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ status: "refunded", amount: 150 });
  });
});
