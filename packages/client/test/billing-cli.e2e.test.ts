import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, startE2eStack, testDatabaseUrl, type E2eStack } from "@tollgate/test-harness";
import { PriceChangedError, TollgateClient } from "../src";
import { cliInTerminal, closeAllTerminals } from "./support/cli-terminal";

/** What `npm start` sells at: 1 h for $2.00. */
const PRICE_LIST = "1:200,12:1500,24:2500,168:12000,720:40000";

/**
 * The price a person confirms is the price they pay, and a top-up out of range is said in money
 * (issue #19): every service a process behind the nginx gateway, the CLI from the sources.
 */
describe("tollgate buy and topup against priced billing, through the gateway", () => {
  let stack: E2eStack;
  const run = randomUUID().slice(0, 8);
  const admin = { username: `ops${run}`, email: `ops${run}@example.test`, password: `pass-${randomUUID()}` };
  let adminClient: TollgateClient;

  beforeAll(async () => {
    stack = await startE2eStack({ priceList: PRICE_LIST });
    adminClient = new TollgateClient({ baseUrl: stack.gatewayUrl });
    await adminClient.auth.register(admin);
    const made = spawnSync(process.execPath, [path.join(repoRoot(), "services", "auth", "dist", "create-admin.js"), "--email", admin.email], {
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: testDatabaseUrl("tollgate_auth_e2e_test") },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(made.status).toBe(0);
    await adminClient.auth.login(admin.username, admin.password);
  }, 180_000);

  afterAll(async () => {
    closeAllTerminals();
    await stack?.stop();
  });

  /** PUT /api/v1/admin/billing/prices, as the tester's admin did. */
  const setPrice = async (unitAmount: number) => {
    const res = await fetch(`${stack.gatewayUrl}/api/v1/admin/billing/prices`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await adminClient.auth.accessToken()}` },
      body: JSON.stringify({ currency: "usd", prices: [{ duration_hours: 1, unit_amount: unitAmount }] }),
    });
    expect(res.status).toBe(200);
  };
  const person = async (name: string) => {
    const home = mkdtempSync(path.join(tmpdir(), `tollgate-${name}-`));
    const username = `${name}${randomUUID().slice(0, 8)}`;
    const env = { PATH: process.env.PATH ?? "", TOLLGATE_URL: stack.gatewayUrl, TOLLGATE_HOME: home, TOLLGATE_PASSWORD: `pass-${randomUUID()}` };
    const cli = (args: string[]) => spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "src", "cli", "main.ts"), ...args], { env, encoding: "utf8", timeout: 60_000 });
    expect(cli(["register", `${username}@example.test`, username]).status).toBe(0);
    expect(cli(["login", username]).status).toBe(0);
    return { env, cli };
  };

  it("when an admin changes the price between 'costs $2.00. Buy it?' and the y, then the CLI shows $3.00 and asks again, and the purchase pays what was confirmed", async () => {
    await setPrice(200);
    const { env, cli } = await person("buyer");
    expect(cli(["topup", "10", "--dev"]).status).toBe(0);
    const terminal = cliInTerminal(["buy", "1"], env);
    await terminal.next("A 1 h token costs $2.00. Buy it?");
    await setPrice(300);
    terminal.type("y");
    // The terminal wraps the question at 80 columns.
    await terminal.next(/changed from \$2\.00 to \$3\.00; nothing was paid\. Buy it\s+at \$3\.00\? \(y\/N\)/);
    terminal.type("y");
    await terminal.next("paid $3.00");
    expect(await terminal.exited).toBe(0);
    expect(cli(["balance"]).stdout).toContain("balance $7.00");
  });

  it("when a script's price_id went stale, then the SDK rejects with PriceChangedError and nothing is paid; tollgate buy --yes pays the price it read ($3.00)", async () => {
    await setPrice(200);
    const { cli } = await person("script");
    expect(cli(["topup", "10", "--dev"]).status).toBe(0);
    // The SDK, as a script would: the price_id it read, then a new price.
    const client = new TollgateClient({ baseUrl: stack.gatewayUrl });
    const prices = await client.billing.prices();
    const shown = prices.prices.find((price) => price.duration_hours === 1)?.price_id;
    await setPrice(300);
    const sdkBuyer = new TollgateClient({ baseUrl: stack.gatewayUrl });
    const username = `sdk${randomUUID().slice(0, 8)}`;
    const password = `pass-${randomUUID()}`;
    await sdkBuyer.auth.register({ email: `${username}@example.test`, username, password });
    await sdkBuyer.auth.login(username, password);
    await sdkBuyer.billing.devTopUp(1000);
    await expect(sdkBuyer.tokens.purchase(1, { priceId: shown })).rejects.toBeInstanceOf(PriceChangedError);
    expect((await sdkBuyer.billing.wallet()).balance).toBe(1000);
    // The CLI with --yes buys at the price it reads (now $3.00): the confirmation it skipped is that one.
    const bought = cli(["buy", "1", "--yes"]);
    expect(bought.status).toBe(0);
    expect(bought.stdout).toContain("paid $3.00");
  });

  it("when tollgate topup 0.99 --dev is out of the deployment's range, then the range is said in dollars ($1.00 to $1,000.00), not minor units", async () => {
    const { cli } = await person("topper");
    for (const amount of ["0.99", "1000.01"]) {
      const refused = cli(["topup", amount, "--dev"]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("a top-up is from $1.00 to $1,000.00.");
      expect(refused.stderr).not.toContain("minor units");
      expect(refused.stderr).not.toContain("100000");
    }
    expect(cli(["balance"]).stdout).toContain("balance $0.00");
  });
});
