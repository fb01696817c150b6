import net from "node:net";
import { createDatabase, createLogger } from "@tollgate/service-kit";
import { startE2eStack, testDatabaseUrl, waitFor, type E2eStack } from "@tollgate/test-harness";
import { newUser, processEnv, type StackUser } from "./support/load-gateway";

/**
 * #19 must show 2: a purchase survives a SIGKILL of the token or the billing process at each of
 * its steps. The token service stops itself at a step (PURCHASE_CRASH_POINT, honoured only with
 * NODE_ENV=test); billing is killed by this test from a relay between the two services, either
 * when the debit request reaches it (before its commit) or when its answer comes back (after the
 * commit, before the token service hears it). After each crash the process is started again, the
 * recovery sweep settles what was left pending, and tokens, debits and refunds are counted.
 */
const PRICE_LIST = "1:200,12:1500,24:2500,168:12000,720:40000";
const PRICE = 2_500;
const DURATION = 24;
const START_BALANCE = 10_000;
/**
 * BILLING_TIMEOUT_MS: generous, so a loaded machine's slow answer is not taken for a crash, and
 * PURCHASE_RECOVERY_AFTER_SECONDS above it, so the sweep never gives up a purchase still in flight.
 */
const BILLING_TIMEOUT_MS = 10_000;
const RECOVERY_SECONDS = 12;

interface Buyer extends StackUser {
  userId: string;
}

interface Answer {
  /** 0: the connection died without an answer (the process was killed mid-request). */
  status: number;
  body: Record<string, unknown>;
}

describe("purchases under SIGKILL (#19 must show 2)", () => {
  let stack: E2eStack;
  let tokenDb: ReturnType<typeof createDatabase>;
  let billingDb: ReturnType<typeof createDatabase>;
  let tokenUrl: string;
  let billingUrl: string;
  const buyers: Buyer[] = [];

  beforeAll(async () => {
    stack = await startE2eStack({ priceList: PRICE_LIST, env: { token: { BILLING_TIMEOUT_MS: String(BILLING_TIMEOUT_MS), PURCHASE_RECOVERY_AFTER_SECONDS: String(RECOVERY_SECONDS), PURCHASE_SWEEP_INTERVAL_MS: "500" } } });
    tokenUrl = `http://127.0.0.1:${processEnv(stack.processes.get("token")).PORT}`;
    billingUrl = `http://127.0.0.1:${processEnv(stack.processes.get("billing")).PORT}`;
    const logger = createLogger({ service: "purchase-crash-test", level: "warn" });
    tokenDb = createDatabase({ url: testDatabaseUrl("tollgate_token_e2e_test"), logger });
    billingDb = createDatabase({ url: stack.billingDatabaseUrl, logger });
  });

  afterAll(async () => {
    await tokenDb?.destroy();
    await billingDb?.destroy();
    await stack?.stop();
  });

  /** A new user with START_BALANCE in the wallet (the development top-up). */
  async function buyer(): Promise<Buyer> {
    const user = await newUser(stack.gatewayUrl);
    const userId = String(JSON.parse(Buffer.from(user.accessToken.split(".")[1] ?? "", "base64url").toString()).sub);
    const res = await fetch(`${billingUrl}/api/v1/billing/dev/top-ups`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${user.accessToken}` }, body: JSON.stringify({ amount: START_BALANCE }) });
    expect(res.status).toBe(201);
    const made = { ...user, userId };
    buyers.push(made);
    return made;
  }

  async function purchase(user: Buyer, key: string): Promise<Answer> {
    try {
      const res = await fetch(`${tokenUrl}/api/v1/tokens/purchase`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${user.accessToken}`, "idempotency-key": key },
        body: JSON.stringify({ duration_hours: DURATION }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } catch {
      return { status: 0, body: {} };
    }
  }

  const exited = (name: "token" | "billing") =>
    waitFor(
      () => {
        const child = stack.processes.get(name);
        return child !== undefined && (child.exitCode !== null || child.signalCode !== null);
      },
      { timeoutMs: 30_000, what: `${name} to exit` },
    );

  /** Waits for the sweep to settle the buyer's purchases (none pending). */
  const settled = (user: Buyer) =>
    waitFor(async () => (await tokenDb("purchases").where({ user_id: user.userId, status: "pending" })).length === 0, { timeoutMs: 60_000, intervalMs: 250, what: "the sweep to settle the pending purchase" });

  /** The money and tokens of one buyer, counted in both services' databases. */
  async function count(user: Buyer) {
    const tokens = await tokenDb("access_tokens").where({ user_id: user.userId }).select<{ id: string; purchase_id: string }[]>("id", "purchase_id");
    const purchases = await billingDb("purchases").where({ user_id: user.userId }).select<{ purchase_id: string; status: string }[]>("purchase_id", "status");
    const cancelled = await billingDb("purchases")
      .whereIn("purchase_id", await tokenDb("purchases").where({ user_id: user.userId }).pluck("id"))
      .where({ status: "cancelled" })
      .pluck<string[]>("purchase_id");
    const movements = await billingDb("ledger_transactions").where({ user_id: user.userId }).select<{ kind: string; amount: string; reference_id: string }[]>("kind", "amount", "reference_id");
    const wallet = await billingDb("wallets").where({ user_id: user.userId }).first<{ balance: string }>("balance");
    const debits = movements.filter((movement) => movement.kind === "purchase");
    return {
      tokens: tokens.length,
      debits: debits.length,
      refunds: movements.filter((movement) => movement.kind === "refund").length,
      cancelled: cancelled.length,
      balance: Number(wallet?.balance),
      ledgerBalance: movements.reduce((sum, movement) => sum + Number(movement.amount), 0),
      tokensWithoutDebit: tokens.filter((token) => !purchases.some((bought) => bought.purchase_id === token.purchase_id && bought.status === "debited")).length,
      debitsWithoutToken: purchases.filter((bought) => bought.status === "debited" && !tokens.some((token) => token.purchase_id === bought.purchase_id)).length,
      debitedTwice: new Set(debits.map((debit) => debit.reference_id)).size !== debits.length,
    };
  }

  /** What every crash must leave, whatever the step: no token without its debit, no debit without its token or a refund, one debit per key, a wallet never below zero and equal to its ledger. */
  const invariantsHold = (counted: Awaited<ReturnType<typeof count>>) => {
    expect({ tokensWithoutDebit: counted.tokensWithoutDebit, debitsWithoutToken: counted.debitsWithoutToken, debitedTwice: counted.debitedTwice }).toEqual({ tokensWithoutDebit: 0, debitsWithoutToken: 0, debitedTwice: false });
    expect(counted.balance).toBeGreaterThanOrEqual(0);
    expect(counted.balance).toBe(counted.ledgerBalance);
    expect(counted.balance).toBe(START_BALANCE - PRICE * (counted.debits - counted.refunds));
  };

  it.each(["before_debit", "after_debit"] as const)("when the token service is killed %s, then after its restart the sweep leaves no debit, no token, and the key answers 409 PURCHASE_CANCELLED", async (step) => {
    const user = await buyer();
    await stack.restart("token", { PURCHASE_CRASH_POINT: step });
    expect((await purchase(user, `crash-${step}`)).status).toBe(0);
    await exited("token");
    await stack.restart("token");
    await settled(user);

    const replay = await purchase(user, `crash-${step}`);
    expect({ status: replay.status, error_code: replay.body.error_code }).toEqual({ status: 409, error_code: "PURCHASE_CANCELLED" });
    const counted = await count(user);
    expect(counted).toMatchObject({ tokens: 0, balance: START_BALANCE });
    expect(counted.debits - counted.refunds).toBe(0);
    // before_debit: billing never saw it and holds a tombstone; after_debit: the debit came back.
    expect(step === "before_debit" ? counted.cancelled : counted.refunds).toBe(1);
    invariantsHold(counted);
  });

  it("when the token service is killed after the mint, before its answer, then the same key returns the token it minted and nothing is refunded", async () => {
    const user = await buyer();
    await stack.restart("token", { PURCHASE_CRASH_POINT: "after_mint" });
    expect((await purchase(user, "crash-after-mint")).status).toBe(0);
    await exited("token");
    await stack.restart("token");

    const replay = await purchase(user, "crash-after-mint");
    expect(replay.status).toBe(201);
    const [minted] = await tokenDb("access_tokens").where({ user_id: user.userId }).pluck<string[]>("id");
    expect(replay.body).toMatchObject({ id: minted, amount: PRICE, currency: "usd" });
    await settled(user);
    const counted = await count(user);
    expect(counted).toMatchObject({ tokens: 1, debits: 1, refunds: 0, balance: START_BALANCE - PRICE });
    invariantsHold(counted);
  });

  it.each(["before_commit", "after_commit"] as const)("when billing is killed %s of the debit, then the purchase answers 503, and after billing's restart the sweep leaves no debit and no token", async (moment) => {
    const user = await buyer();
    const relay = await startKillingRelay(Number(new URL(billingUrl).port), moment, async () => {
      stack.kill("billing");
      await exited("billing");
    });
    try {
      await stack.restart("token", { BILLING_URL: `http://127.0.0.1:${relay.port}` });
      const answer = await purchase(user, `billing-${moment}`);
      expect({ status: answer.status, error_code: answer.body.error_code }).toEqual({ status: 503, error_code: "SERVICE_UNAVAILABLE" });
      expect(relay.killed()).toBe(true);
    } finally {
      await relay.close();
    }
    await stack.restart("billing");
    await stack.restart("token");
    await settled(user);

    const replay = await purchase(user, `billing-${moment}`);
    expect({ status: replay.status, error_code: replay.body.error_code }).toEqual({ status: 409, error_code: "PURCHASE_CANCELLED" });
    const counted = await count(user);
    expect(counted).toMatchObject({ tokens: 0, balance: START_BALANCE });
    expect(moment === "before_commit" ? counted.debits : counted.refunds).toBe(moment === "before_commit" ? 0 : 1);
    invariantsHold(counted);
  });

  it("when every crash is over, then new purchases by every buyer at once are bought or refused cleanly, and across all of them every token has its debit and every debit its token or refund", async () => {
    const answers = await Promise.all(buyers.map((user) => purchase(user, "after-the-storm")));
    // 201, or 503 if billing was too slow on this machine (then the sweep settles it).
    for (const answer of answers) expect([201, 503]).toContain(answer.status);
    expect(answers.some((answer) => answer.status === 201)).toBe(true);
    for (const user of buyers) {
      await settled(user);
      const counted = await count(user);
      expect(counted.tokens).toBe(counted.debits - counted.refunds);
      invariantsHold(counted);
    }
  });
});

/**
 * A TCP relay in front of billing that kills it at one moment of the first debit it carries:
 * `before_commit` when the request arrives (billing never sees it), `after_commit` when billing's
 * answer comes back (the debit is committed; the answer is dropped). Every later connection finds
 * billing gone.
 */
async function startKillingRelay(targetPort: number, moment: "before_commit" | "after_commit", kill: () => Promise<void>): Promise<{ port: number; killed(): boolean; close(): Promise<void> }> {
  let fired: Promise<void> | undefined;
  const fire = () => (fired ??= kill());
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    let debit = false;
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Buffer) => {
      debit ||= chunk.toString("latin1").includes("/debit");
      if (debit && moment === "before_commit") return void fire().then(drop);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (debit && moment === "after_commit") return void fire().then(drop);
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    killed: () => fired !== undefined,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
