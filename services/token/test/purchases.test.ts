import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { errorBodySchema, eventTypes, purchaseTokenResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import type { Express } from "express";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A POST whose headers go out exactly as listed, repeats and their spelling kept (supertest merges them). */
async function postWithRawHeaders(app: Express, path: string, headers: string[], body: unknown): Promise<{ status: number; body: unknown }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const payload = JSON.stringify(body);
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers: ["Host", `127.0.0.1:${port}`, ...headers, "Content-Type", "application/json", "Content-Length", String(Buffer.byteLength(payload))] }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
      });
      req.on("error", reject);
      req.end(payload);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
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

  it("when Idempotency-Key is sent twice, in any case, then 400 naming the header and nothing is bought", async () => {
    const lena = await fx.auth.user();
    await fx.billing.topUp(lena.userId, 1_000);
    // node joins repeated headers with ", ": "x1, x2" was a valid key and bought a token.
    const twice = await postWithRawHeaders(fx.app, "/api/v1/tokens/purchase", ["Idempotency-Key", "x1", "Idempotency-Key", "x2", "Authorization", `Bearer ${lena.token}`], { duration_hours: 1 });
    const mixedCase = await postWithRawHeaders(fx.app, "/api/v1/tokens/purchase", ["Idempotency-Key", "x1", "idempotency-KEY", "x1", "Authorization", `Bearer ${lena.token}`], { duration_hours: 1 });
    for (const res of [twice, mixedCase]) {
      expect(res.status).toBe(400);
      const body = errorBodySchema.parse(res.body);
      expect(body.error_code).toBe("BAD_REQUEST");
      expect(body.detail).toContain("Idempotency-Key");
    }
    expect(await fx.knex("purchases").where({ user_id: lena.userId })).toHaveLength(0);
    expect(await fx.billing.balance(lena.userId)).toBe(1_000);
  });

  it("when the API document is read, then the purchase documents its Idempotency-Key and money errors, and the refund route is there", async () => {
    const doc = (await request(fx.app).get("/openapi.json")).body as { paths: Record<string, Record<string, { parameters?: { name?: string }[]; responses: Record<string, unknown> }>> };
    const buyOperation = doc.paths["/api/v1/tokens/purchase"]?.post;
    expect(buyOperation?.parameters?.map((parameter) => parameter.name)).toContain("Idempotency-Key");
    expect(Object.keys(buyOperation?.responses ?? {})).toEqual(expect.arrayContaining(["201", "402", "409", "422", "503"]));
    expect(Object.keys(buyOperation?.responses ?? {})).toContain("400");
    expect(Object.keys(doc.paths["/api/v1/tokens/{id}/refund"]?.post?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "404", "409", "413", "415", "503"]));
  });
});

/** Issue #19: the cap counts tokens held, never purchases still in flight; a mint past it refunds the debit. */
describe("priced purchases under the token cap", () => {
  const buyAll = (fx: TokenFixture, userToken: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken)).set("Idempotency-Key", `parallel-${i}`).send({ duration_hours: 1 }),
      ),
    );
  const statuses = (answers: { status: number; body: { error_code?: string } }[]) => answers.map((res) => (res.status === 201 ? "201" : `${res.status} ${res.body.error_code}`)).sort();
  const tokensOf = async (fx: TokenFixture, userId: string) => Number((await fx.knex("access_tokens").where({ user_id: userId }).count<{ count: string }[]>("* as count"))[0]?.count);

  describe("with the default cap of 10", () => {
    let fx: TokenFixture;
    beforeAll(async () => {
      fx = await startTokenFixture({ prices: PRICES, maxTokensPerUser: 10 });
    });
    afterAll(async () => {
      await fx.close();
    });

    it("when 20 purchases race from a wallet that pays for 5, then 5 × 201 and 15 × 402 INSUFFICIENT_FUNDS, never TOKEN_LIMIT_REACHED (3 rounds)", async () => {
      for (let round = 0; round < 3; round++) {
        const buyer = await fx.auth.user();
        await fx.billing.topUp(buyer.userId, 5 * PRICES[1]);
        const answers = await buyAll(fx, buyer.token, 20);
        expect(statuses(answers)).toEqual([...Array(5).fill("201"), ...Array(15).fill("402 INSUFFICIENT_FUNDS")].sort());
        expect(await tokensOf(fx, buyer.userId)).toBe(5);
        expect(await fx.billing.balance(buyer.userId)).toBe(0);
      }
    });
  });

  describe("with a cap of 3", () => {
    let fx: TokenFixture;
    beforeAll(async () => {
      fx = await startTokenFixture({ prices: PRICES, maxTokensPerUser: 3 });
    });
    afterAll(async () => {
      await fx.close();
    });

    it("when 10 paid purchases race, then at most 3 tokens, every other debit is refunded at once with 409 TOKEN_LIMIT_REACHED, and its key replays that", async () => {
      const buyer = await fx.auth.user();
      await fx.billing.topUp(buyer.userId, 10_000);
      const answers = await buyAll(fx, buyer.token, 10);
      const created = answers.filter((res) => res.status === 201);
      expect(created.length).toBeLessThanOrEqual(3);
      for (const res of answers.filter((answer) => answer.status !== 201)) {
        expect(res.status).toBe(409);
        expect(errorBodySchema.parse(res.body).error_code).toBe("TOKEN_LIMIT_REACHED");
      }
      const tokens = await tokensOf(fx, buyer.userId);
      expect(tokens).toBe(created.length);
      expect(await fx.billing.balance(buyer.userId)).toBe(10_000 - tokens * PRICES[1]);
      // No purchase left pending for the sweep: each refused one was refunded and failed now.
      const rows = await fx.knex("purchases").where({ user_id: buyer.userId }).select<{ status: string; error_code: string | null }[]>("status", "error_code");
      expect(rows.filter((row) => row.status === "pending")).toHaveLength(0);
      expect(rows.filter((row) => row.status === "failed").every((row) => row.error_code === "TOKEN_LIMIT_REACHED")).toBe(true);
      const refused = answers.findIndex((res) => res.status === 409);
      if (refused >= 0) {
        const replay = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(buyer.token)).set("Idempotency-Key", `parallel-${refused}`).send({ duration_hours: 1 });
        expect(replay.status).toBe(409);
        expect(replay.body.error_code).toBe("TOKEN_LIMIT_REACHED");
      }
      expect(await fx.billing.balance(buyer.userId)).toBe(10_000 - tokens * PRICES[1]);
    });
  });
});
