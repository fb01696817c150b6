import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { InsufficientFundsError, TollgateClient, TollgateError } from "@tollgate/client";
import type { WalletTransaction } from "@tollgate/contracts";
import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import { inTerminal, personEnv, piped } from "./support/cli-terminal";
import { operationsOf } from "./support/docs-documents";
import { lintOpenApi } from "./support/docs-lint";

/** Prices of the stack under test, in cents: what `npm start` sells at too (infra/local/env/billing.env). */
const PRICE_LIST = "1:200,12:1500,24:2500,168:12000,720:40000";

/** The webhook endpoint's signing secret, as Stripe's dashboard would show it. */
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64")}`;

/** Stripe-Signature for `payload` (Stripe's scheme: t=<seconds>,v1=hex HMAC-SHA256 of "<t>.<payload>"). */
function stripeSignature(payload: string, secret = WEBHOOK_SECRET): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex")}`;
}

async function signedIn(stack: E2eStack, name: string): Promise<TollgateClient> {
  const client = new TollgateClient({ baseUrl: stack.gatewayUrl });
  const username = `${name}${randomUUID().slice(0, 8)}`;
  const password = `pass ${randomUUID()}`;
  await client.auth.register({ email: `${username}@example.test`, username, password });
  await client.auth.login(username, password);
  return client;
}

/** Every movement of the wallet, all pages, newest first. */
async function allTransactions(client: TollgateClient): Promise<WalletTransaction[]> {
  const seen: WalletTransaction[] = [];
  for (let cursor: string | undefined, pages = 0; pages < 20; pages++) {
    const page = await client.billing.transactions({ limit: 2, cursor });
    seen.push(...page.data);
    if (!page.next_cursor) return seen;
    cursor = page.next_cursor;
  }
  throw new Error("more than 20 pages of transactions");
}

/**
 * Issue #19, must show 5: money end to end through the real nginx gateway, every service its own
 * process (startE2eStack, free ports): a development top-up, priced purchases, use through the
 * proxy, the refund of an unused token, the wallet's transactions; the same through the CLI in a
 * terminal; and billing's OpenAPI document as the gateway serves it, through the linter.
 */
describe("billing end to end, through the gateway", () => {
  let stack: E2eStack;

  beforeAll(async () => {
    // A gateway body limit below a large Stripe event: the webhook's own limit must still let it in.
    stack = await startE2eStack({ priceList: PRICE_LIST, env: { billing: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, gateway: { GATEWAY_MAX_BODY_SIZE: "64k" } } });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("when a user tops up, buys, uses a token through the proxy and returns a second unused one, then the wallet and its transactions show all four movements", async () => {
    const client = await signedIn(stack, "payer");
    const prices = await client.billing.prices();
    expect(prices.currency).toBe("usd");
    expect(prices.prices.map(({ duration_hours, unit_amount }) => [duration_hours, unit_amount])).toEqual([[1, 200], [12, 1500], [24, 2500], [168, 12000], [720, 40000]]);
    expect(await client.billing.wallet()).toMatchObject({ currency: "usd", balance: 0 });

    const topUp = await client.billing.devTopUp(1000);
    expect(topUp).toMatchObject({ status: "succeeded", amount: 1000, currency: "usd", checkout_url: null, balance_after: 1000 });

    const used = await client.tokens.purchase(1);
    const hourPrice = prices.prices.find((price) => price.duration_hours === 1);
    expect(used).toMatchObject({ duration_hours: 1, amount: 200, currency: "usd", price_id: hourPrice?.price_id });
    const res = await client.proxy.fetch(used.token, "/headers");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { headers: Record<string, string> }).headers["x-token-id"]).toBe(used.id);

    const unused = await client.tokens.purchase(1);
    expect((await client.billing.wallet()).balance).toBe(600);
    const refund = await client.tokens.refund(unused.id);
    expect(refund).toEqual({ token_id: unused.id, purchase_id: unused.purchase_id, status: "refunded", amount: 200, currency: "usd" });
    expect((await client.billing.wallet()).balance).toBe(800);
    const refused = await client.proxy.fetch(unused.token, "/headers");
    expect(refused.status).toBe(401);

    const movements = await allTransactions(client);
    expect(movements.map(({ kind, amount }) => [kind, amount])).toEqual([["refund", 200], ["purchase", -200], ["purchase", -200], ["top_up", 1000]]);
    expect(movements.reduce((sum, movement) => sum + movement.amount, 0)).toBe(800);
    expect(movements.find((movement) => movement.kind === "top_up")?.reference).toEqual({ type: "top_up", id: topUp.id });
    const purchaseIds = movements.filter((movement) => movement.kind === "purchase").map((movement) => movement.reference.id);
    expect(purchaseIds.sort()).toEqual([used.purchase_id, unused.purchase_id].sort());

    const receipt = await client.billing.receipt(unused.purchase_id);
    expect(receipt).toMatchObject({ purchase_id: unused.purchase_id, duration_hours: 1, status: "refunded", amount: 200, currency: "usd", price_id: hourPrice?.price_id });
    expect(receipt.refunds.map((entry) => entry.amount)).toEqual([200]);
    expect(await client.billing.receipt(used.purchase_id)).toMatchObject({ status: "debited", refunds: [] });
  });

  it("when the wallet cannot pay, then the purchase is refused with InsufficientFundsError, no token is made and the balance is untouched", async () => {
    const client = await signedIn(stack, "short");
    await client.billing.devTopUp(100);
    const error = await client.tokens.purchase(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error).toMatchObject({ status: 402, code: "INSUFFICIENT_FUNDS" });
    expect(await client.tokens.list()).toEqual([]);
    expect((await client.billing.wallet()).balance).toBe(100);
    const again = await client.tokens.refund(randomUUID()).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TollgateError);
    expect((again as TollgateError).status).toBe(404);
  });

  it("when the same Idempotency-Key is sent twice through the gateway, then the second answer is the first purchase and nothing more is debited", async () => {
    const client = await signedIn(stack, "twice");
    await client.billing.devTopUp(500);
    const key = `order-${randomUUID()}`;
    const first = await client.tokens.purchase(1, { idempotencyKey: key });
    const replay = await client.tokens.purchase(1, { idempotencyKey: key });
    expect(replay).toEqual(first);
    expect((await client.billing.wallet()).balance).toBe(300);
    const reused = await client.tokens.purchase(12, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(reused).toMatchObject({ status: 422, code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("when a person uses the CLI in a terminal, then topup --dev, buy with its confirmation, balance, transactions (table, pages, --json), refund and receipt each say what happened in dollars", async () => {
    const env = personEnv({ TOLLGATE_URL: stack.gatewayUrl });
    const username = `cli${randomUUID().slice(0, 8)}`;
    const secret = { ...env, TOLLGATE_PASSWORD: `pass ${randomUUID()}` };
    expect(piped(["register", `${username}@example.test`, username], secret).status).toBe(0);
    expect(piped(["login", username], secret).status).toBe(0);

    const card = piped(["topup", "5"], env);
    expect([card.status, card.stderr]).toEqual([1, expect.stringContaining("takes no card payments") as unknown]);
    const badAmount = piped(["topup", "5.001", "--dev"], env);
    expect([badAmount.status, badAmount.stderr]).toEqual([2, expect.stringContaining("at most 2 decimals") as unknown]);

    const topUp = inTerminal(["topup", "5", "--dev"], env);
    await topUp.next("added $5.00 (development top-up, no payment); balance $5.00");
    expect(await topUp.exited).toBe(0);

    const declined = inTerminal(["buy", "1"], env);
    await declined.next("A 1 h token costs $2.00. Buy it?");
    declined.type("n");
    await declined.next("nothing bought");
    expect(await declined.exited).toBe(1);

    const buy = inTerminal(["buy", "1"], env);
    await buy.next("A 1 h token costs $2.00. Buy it?");
    buy.type("y");
    const [, tokenId, purchaseId] = await buy.next(/token ([0-9a-f-]{36}) for 1 h, paid \$2\.00 \(purchase ([0-9a-f-]{36})\)/);
    await buy.next(/[A-Za-z0-9_-]{64}/);
    expect(await buy.exited).toBe(0);

    const script = piped(["buy", "1"], env);
    expect([script.status, script.stderr]).toEqual([2, "A 1 h token costs $2.00. Buy it? No terminal to ask on: add --yes to confirm (scripts).\n"]);
    const tooDear = piped(["buy", "24", "--yes"], env);
    expect([tooDear.status, tooDear.stderr]).toEqual([1, "Not enough money: balance $3.00, price $25.00: top up with `tollgate topup <amount>`.\n"]);

    const balance = inTerminal(["balance"], env);
    await balance.next("balance $3.00");
    expect(await balance.exited).toBe(0);

    const refund = piped(["refund", tokenId ?? ""], env);
    expect([refund.status, refund.stdout]).toEqual([0, `token ${tokenId} is refunded: $2.00 back in your wallet\n`]);
    expect(piped(["balance"], env).stdout).toBe("balance $5.00\n");
    const receipt = piped(["receipt", purchaseId ?? ""], env).stdout.split("\n");
    expect(receipt[0]).toMatch(new RegExp(`^purchase ${purchaseId}: a 1 h token, \\$2\\.00 paid .+; refunded$`));
    expect(receipt[1]).toMatch(/^ {2}refund [0-9a-f-]{36} {2}\+\$2\.00 {2}.+ {2}unused_token_returned$/);

    const table = piped(["transactions"], env);
    expect(table.status).toBe(0);
    const rows = table.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^DATE\s+KIND\s+AMOUNT\s+DESCRIPTION$/);
    expect(rows.slice(1).map((row) => /^\S+ \S+\s+(\S+)\s+(\S+)/.exec(row)?.slice(1, 3))).toEqual([["refund", "+$2.00"], ["purchase", "-$2.00"], ["top-up", "+$5.00"]]);

    const first = piped(["transactions", "--limit", "2"], env);
    const cursor = /more: tollgate transactions --cursor (\S+)/.exec(first.stdout)?.[1];
    expect(cursor).toBeDefined();
    const rest = JSON.parse(piped(["transactions", "--limit", "2", "--cursor", cursor ?? "", "--json"], env).stdout) as { data: WalletTransaction[]; next_cursor: string | null };
    expect(rest.data.map((movement) => [movement.kind, movement.amount])).toEqual([["top_up", 500]]);
    expect(rest.next_cursor).toBeNull();

    // A refund asked again answers the same refund: the money came back once.
    const again = piped(["refund", tokenId ?? ""], env);
    expect([again.status, again.stdout]).toEqual([0, `token ${tokenId} is refunded: $2.00 back in your wallet\n`]);
    expect(piped(["balance"], env).stdout).toBe("balance $5.00\n");

    const kept = piped(["buy", "1", "--yes"], env);
    const keptId = /token ([0-9a-f-]{36}) for 1 h/.exec(kept.stdout)?.[1] ?? "";
    expect(piped(["get", "/headers"], env).status).toBe(0); // its clock starts: no longer refundable
    const used = piped(["refund", keptId], env);
    expect([used.status, used.stderr]).toEqual([1, expect.stringContaining("only a token never used can be refunded") as unknown]);
    expect(piped(["balance"], env).stdout).toBe("balance $3.00\n");
  }, 360_000); // some twenty-five CLI processes, each a node start (2 to 5 s on a busy machine)

  it("when Stripe posts a signed event of 300 KB through a gateway whose body limit is 64 KB, without credentials, then billing verifies the bytes as sent (200); one byte changed or another secret is 400 INVALID_SIGNATURE", async () => {
    // An event type billing does not act on: acknowledged, and nothing moves.
    const payload = JSON.stringify({ id: `evt_${randomUUID().replace(/-/g, "")}`, object: "event", type: "customer.created", data: { object: { id: "cus_1", object: "customer", description: "é ☃ ".repeat(45_000) } } });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(300_000);
    const post = (body: string, signature: string) => fetch(`${stack.gatewayUrl}/api/v1/billing/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature }, body });
    const accepted = await post(payload, stripeSignature(payload));
    expect([accepted.status, await accepted.json()]).toEqual([200, { received: true }]);
    const elsewhere = await fetch(`${stack.gatewayUrl}/api/v1/billing/top-ups`, { method: "POST", headers: { "content-type": "application/json" }, body: payload });
    expect([elsewhere.status, ((await elsewhere.json()) as { error_code: string }).error_code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    for (const [body, signature] of [[payload.replace("customer.created", "customer.createD"), stripeSignature(payload)], [payload, stripeSignature(payload, "whsec_another")]] as const) {
      const refused = await post(body, signature);
      expect([refused.status, ((await refused.json()) as { error_code: string }).error_code]).toEqual([400, "INVALID_SIGNATURE"]);
    }
  });

  it("when billing's public OpenAPI document is read through the gateway and linted with the recommended rules, then it has no error and documents every public route and none internal", async () => {
    const res = await fetch(`${stack.gatewayUrl}/openapi/billing.json`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const problems = await lintOpenApi(text, "billing.public");
    expect(problems.filter((problem) => problem.severity === "error")).toEqual([]);
    const document = JSON.parse(text) as { paths: Record<string, unknown> };
    const operations = operationsOf(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(operations).toEqual(
      expect.arrayContaining([
        "GET /api/v1/billing/prices",
        "GET /api/v1/billing/wallet",
        "GET /api/v1/billing/transactions",
        "GET /api/v1/billing/receipts/{purchase_id}",
        "POST /api/v1/billing/top-ups",
        "POST /api/v1/billing/webhooks/stripe",
        "GET /api/v1/admin/billing/wallets/{user_id}",
        "POST /api/v1/admin/billing/adjustments",
        "PUT /api/v1/admin/billing/prices",
      ]),
    );
    expect(operations.filter((operation) => / \/internal\//.test(operation))).toEqual([]);
    for (const path of ["/internal/v1/purchases/00000000-0000-4000-8000-000000000000/debit"]) {
      expect((await fetch(`${stack.gatewayUrl}${path}`, { method: "POST" })).status).toBe(404);
    }
    // The gateway's /health waits for billing too.
    await waitFor(async () => (await fetch(`${stack.gatewayUrl}/health`)).status === 200, { what: "the gateway's /health" });
    const health = (await (await fetch(`${stack.gatewayUrl}/health`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(health)).toContain("billing");
  });
});
