import { errorBodySchema, eventTypes, purchaseTokenResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const PRICES = { 1: 200, 12: 1500, 24: 2500, 168: 12000, 720: 40000 };

describe("priced purchases", () => {
  let fx: TokenFixture;

  beforeAll(async () => {
    // Recovery after 0 s: a sweep the test runs gives up every pending purchase at once.
    fx = await startTokenFixture({ prices: PRICES, recoverAfterSeconds: 0, maxTokensPerUser: 50 });
  });

  afterAll(async () => {
    await fx.close();
  });

  const buy = (userToken: string, body: unknown, key?: string) => {
    const req = request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken));
    if (key !== undefined) req.set("Idempotency-Key", key);
    return req.send(body as object);
  };
  const purchaseDebits = async (userId: string) =>
    (await fx.billing.useCases.read.transactions(userId, { limit: 100 })).data.filter((transaction) => transaction.kind === "purchase");
  const purchaseRow = (id: string) => fx.knex("purchases").where({ id }).first<{ status: string; error_code: string | null; token_id: string | null }>();

  it("when a purchase is replayed with the same Idempotency-Key, then the first status and body come back and the wallet is debited once", async () => {
    const alice = await fx.auth.user();
    await fx.billing.topUp(alice.userId, 10_000);
    const first = await buy(alice.token, { duration_hours: 24 }, "order-1");
    expect(first.status).toBe(201);
    const bought = purchaseTokenResponseSchema.parse(first.body);
    expect(bought).toMatchObject({ amount: 2500, currency: "usd", duration_hours: 24 });

    const again = await buy(alice.token, { duration_hours: 24 }, "order-1");
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await fx.billing.balance(alice.userId)).toBe(7_500);
    expect(await purchaseDebits(alice.userId)).toHaveLength(1);
    expect(await fx.knex("access_tokens").where({ user_id: alice.userId }).count<{ count: string }[]>("* as count")).toEqual([{ count: "1" }]);
  });

  it("when the same key comes with another body, then 422 IDEMPOTENCY_KEY_REUSED and nothing more is debited", async () => {
    const bob = await fx.auth.user();
    await fx.billing.topUp(bob.userId, 10_000);
    expect((await buy(bob.token, { duration_hours: 1 }, "k")).status).toBe(201);
    const reused = await buy(bob.token, { duration_hours: 12 }, "k");
    expect(reused.status).toBe(422);
    expect(errorBodySchema.parse(reused.body).error_code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await fx.billing.balance(bob.userId)).toBe(9_800);
  });

  it("when another user sends the same key, then it is a purchase of their own", async () => {
    const [carol, dave] = [await fx.auth.user(), await fx.auth.user()];
    await Promise.all([fx.billing.topUp(carol.userId, 1_000), fx.billing.topUp(dave.userId, 1_000)]);
    const [a, b] = [await buy(carol.token, { duration_hours: 1 }, "shared-key"), await buy(dave.token, { duration_hours: 1 }, "shared-key")];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it("when the Idempotency-Key header is malformed, then 422 VALIDATION_ERROR names it and nothing is bought", async () => {
    const erin = await fx.auth.user();
    for (const key of ["x".repeat(256), "tab\tinside"]) {
      const res = await buy(erin.token, { duration_hours: 1 }, key);
      expect(res.status).toBe(422);
      const body = errorBodySchema.parse(res.body);
      expect(body.error_code).toBe("VALIDATION_ERROR");
      expect(body.detail).toContain("Idempotency-Key");
    }
    expect(await fx.knex("purchases").where({ user_id: erin.userId })).toHaveLength(0);
  });

  it("when ten requests with one key race, then one purchase is made and the others answer 409 IDEMPOTENCY_KEY_IN_USE or its replay", async () => {
    const frank = await fx.auth.user();
    await fx.billing.topUp(frank.userId, 10_000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => buy(frank.token, { duration_hours: 24 }, "race")));
    const created = answers.filter((res) => res.status === 201);
    const inUse = answers.filter((res) => res.status === 409);
    expect(created.length + inUse.length).toBe(10);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const res of created) expect(res.body).toEqual(created[0]?.body);
    for (const res of inUse) expect(res.body.error_code).toBe("IDEMPOTENCY_KEY_IN_USE");
    expect(await fx.billing.balance(frank.userId)).toBe(7_500);
    expect(await purchaseDebits(frank.userId)).toHaveLength(1);
    expect(await fx.knex("purchases").where({ user_id: frank.userId })).toHaveLength(1);
  });

  it("when the wallet cannot pay, then 402 INSUFFICIENT_FUNDS passes through, the purchase is failed and its key replays the 402", async () => {
    const gina = await fx.auth.user();
    await fx.billing.topUp(gina.userId, 100);
    const declined = await buy(gina.token, { duration_hours: 1 }, "poor");
    expect(declined.status).toBe(402);
    expect(errorBodySchema.parse(declined.body).error_code).toBe("INSUFFICIENT_FUNDS");
    const [row] = await fx.knex("purchases").where({ user_id: gina.userId });
    expect(row).toMatchObject({ status: "failed", error_code: "INSUFFICIENT_FUNDS", token_id: null });
    const replay = await buy(gina.token, { duration_hours: 1 }, "poor");
    expect(replay.status).toBe(402);
    expect(replay.body.error_code).toBe("INSUFFICIENT_FUNDS");
    expect(await fx.billing.balance(gina.userId)).toBe(100);
  });

  it("when billing is down, then 503 and the purchase stays pending; the sweep cancels it, a late debit is refused and the key replays 409 PURCHASE_CANCELLED", async () => {
    const hank = await fx.auth.user();
    await fx.billing.topUp(hank.userId, 10_000);
    await fx.billing.stop();
    let unavailable;
    try {
      unavailable = await buy(hank.token, { duration_hours: 24 }, "outage");
    } finally {
      await fx.billing.start();
    }
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers["retry-after"]).toBeDefined();
    const [pending] = await fx.knex("purchases").where({ user_id: hank.userId });
    expect(pending).toMatchObject({ status: "pending" });

    const swept = await fx.useCases.recover.sweepOnce();
    expect(swept.purchasesCancelled).toBeGreaterThanOrEqual(1);
    expect(await purchaseRow(pending.id)).toMatchObject({ status: "failed", error_code: "PURCHASE_CANCELLED" });
    await expect(fx.billingClient.debit(pending.id, hank.userId, 24)).rejects.toMatchObject({ statusCode: 409, errorCode: "PURCHASE_CANCELLED" });
    expect(await fx.billing.balance(hank.userId)).toBe(10_000);

    const replay = await buy(hank.token, { duration_hours: 24 }, "outage");
    expect(replay.status).toBe(409);
    expect(replay.body.error_code).toBe("PURCHASE_CANCELLED");
    expect((await buy(hank.token, { duration_hours: 24 }, "outage-retry")).status).toBe(201);
    expect(await fx.billing.balance(hank.userId)).toBe(7_500);
  });

  it("when a purchase was debited but its token never minted, then the sweep refunds the debit once and no token exists", async () => {
    const ivy = await fx.auth.user();
    await fx.billing.topUp(ivy.userId, 5_000);
    // What a crash between the debit and the mint leaves: a pending row, and billing's debit.
    const [row] = await fx.knex("purchases").insert({ user_id: ivy.userId, idempotency_key: "crashed", request_fingerprint: "0".repeat(64), duration_hours: 24 }).returning<{ id: string }[]>("id");
    await fx.billingClient.debit(row!.id, ivy.userId, 24);
    expect(await fx.billing.balance(ivy.userId)).toBe(2_500);

    await fx.useCases.recover.sweepOnce();
    await fx.useCases.recover.sweepOnce();
    expect(await fx.billing.balance(ivy.userId)).toBe(5_000);
    expect(await purchaseRow(row!.id)).toMatchObject({ status: "failed", token_id: null });
    expect(await fx.knex("access_tokens").where({ user_id: ivy.userId })).toHaveLength(0);
    const kinds = (await fx.billing.useCases.read.transactions(ivy.userId, { limit: 100 })).data.map((transaction) => transaction.kind).sort();
    expect(kinds).toEqual(["purchase", "refund", "top_up"]);
  });

  it("when a purchase completes, then purchase.completed is published with its money, keyed by the token", async () => {
    const jack = await fx.auth.user();
    await fx.billing.topUp(jack.userId, 1_000);
    const bought = purchaseTokenResponseSchema.parse((await buy(jack.token, { duration_hours: 1 }, "evt")).body);
    await waitFor(() => fx.events.values<{ type: string; data: { token_id: string } }>().some((event) => event.type === eventTypes.purchaseCompleted && event.data.token_id === bought.id), { what: "purchase.completed" });
    const event = fx.events.values<{ type: string; data: Record<string, unknown> }>().find((candidate) => candidate.type === eventTypes.purchaseCompleted && candidate.data.token_id === bought.id);
    expect(event?.data).toMatchObject({ purchase_id: bought.purchase_id, user_id: jack.userId, duration_hours: 1, amount: 200, currency: "usd", price_id: bought.price_id });
  });

  it("when answers are stored for replays, then the plaintext token is not in the table", async () => {
    const kim = await fx.auth.user();
    await fx.billing.topUp(kim.userId, 1_000);
    const bought = purchaseTokenResponseSchema.parse((await buy(kim.token, { duration_hours: 1 }, "sealed")).body);
    const [row] = await fx.knex("purchases").where({ id: bought.purchase_id }).select<{ sealed_response: Buffer }[]>("sealed_response");
    expect(row?.sealed_response.length).toBeGreaterThan(64);
    expect(row?.sealed_response.toString("latin1")).not.toContain(bought.token);
  });

  it("when the API document is read, then the purchase documents its Idempotency-Key and money errors, and the refund route is there", async () => {
    const doc = (await request(fx.app).get("/openapi.json")).body as { paths: Record<string, Record<string, { parameters?: { name?: string }[]; responses: Record<string, unknown> }>> };
    const buyOperation = doc.paths["/api/v1/tokens/purchase"]?.post;
    expect(buyOperation?.parameters?.map((parameter) => parameter.name)).toContain("Idempotency-Key");
    expect(Object.keys(buyOperation?.responses ?? {})).toEqual(expect.arrayContaining(["201", "402", "409", "422", "503"]));
    expect(Object.keys(doc.paths["/api/v1/tokens/{id}/refund"]?.post?.responses ?? {})).toEqual(expect.arrayContaining(["200", "404", "409", "503"]));
  });
});
