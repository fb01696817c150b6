import { randomUUID } from "node:crypto";
import { InsufficientFundsError, TollgateError } from "./errors";
import { MemorySessionStore, type StoredSession } from "./session";
import { TollgateClient } from "./tollgate-client";

const session = { accessToken: "header.e30.signature", refreshToken: "r", accessExpiresAt: Date.now() + 3_600_000, user: {} } as StoredSession;

const bought = () => ({
  id: randomUUID(),
  token: "a".repeat(64),
  duration_hours: 1,
  status: "pending",
  created_at: new Date().toISOString(),
  purchase_id: randomUUID(),
  amount: 200,
  currency: "usd",
  price_id: randomUUID(),
});

const errorBody = (status: number, code: string) =>
  new Response(JSON.stringify({ detail: code.toLowerCase(), error_code: code, status_code: status, timestamp: new Date().toISOString(), request_id: "req-12345678" }), { status, headers: { "content-type": "application/json" } });

function clientWith(answers: (() => Response | Promise<Response>)[]) {
  const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>(async () => {
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    return next();
  });
  const store = new MemorySessionStore();
  store.save(session);
  return { client: new TollgateClient({ baseUrl: "http://127.0.0.1:8080", fetch, session: store }), fetch };
}

const keysSent = (fetch: jest.Mock<Promise<Response>, Parameters<typeof globalThis.fetch>>) => fetch.mock.calls.map(([, init]) => new Headers(init?.headers).get("Idempotency-Key"));

describe("tokens.purchase", () => {
  it("when the first answer is lost and the service is briefly unavailable, then it asks again with the same Idempotency-Key, a UUID by default", async () => {
    const answer = bought();
    const { client, fetch } = clientWith([
      () => Promise.reject(new TypeError("fetch failed")),
      () => errorBody(503, "SERVICE_UNAVAILABLE"),
      () => new Response(JSON.stringify(answer), { status: 201 }),
    ]);
    await expect(client.tokens.purchase(1)).resolves.toEqual(answer);
    const keys = keysSent(fetch);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("when a key is given, then it is the one sent; two purchases without one send different keys", async () => {
    const { client, fetch } = clientWith([() => new Response(JSON.stringify(bought()), { status: 201 }), () => new Response(JSON.stringify(bought()), { status: 201 }), () => new Response(JSON.stringify(bought()), { status: 201 })]);
    await client.tokens.purchase(1, { idempotencyKey: "order-42" });
    await client.tokens.purchase(1);
    await client.tokens.purchase(1);
    const keys = keysSent(fetch);
    expect(keys[0]).toBe("order-42");
    expect(keys[1]).not.toBe(keys[2]);
  });

  it("when the wallet cannot pay, then it rejects with InsufficientFundsError (402) at once, without asking again", async () => {
    const { client, fetch } = clientWith([() => errorBody(402, "INSUFFICIENT_FUNDS")]);
    const error = await client.tokens.purchase(24).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error).toBeInstanceOf(TollgateError);
    expect(error).toMatchObject({ status: 402, code: "INSUFFICIENT_FUNDS", requestId: "req-12345678" });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("when the service stays unavailable, then it gives up after 3 attempts with the last error", async () => {
    const { client, fetch } = clientWith([() => errorBody(503, "SERVICE_UNAVAILABLE"), () => errorBody(503, "SERVICE_UNAVAILABLE"), () => errorBody(503, "BREAKER_OPEN")]);
    await expect(client.tokens.purchase(1)).rejects.toMatchObject({ status: 503, code: "BREAKER_OPEN" });
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});
