import { createServer, type Server } from "node:http";
import { durationHoursValues, type DurationHours } from "@tollgate/contracts";
import { billingMigrations, createApp, createUseCases, type BillingUseCases } from "@tollgate/billing-service";
import { createLogger, listen, openDatabase } from "@tollgate/service-kit";
import { testDatabaseUrl, uniqueName } from "@tollgate/test-harness";
import type { AuthFixture } from "@tollgate/auth-fixture";
import knexFactory, { type Knex } from "knex";

/** Unit amounts in minor units by duration; every duration at 0 is today's free behaviour. */
export type PriceList = Record<DurationHours, number>;

export const ZERO_PRICES: PriceList = { 1: 0, 12: 0, 24: 0, 168: 0, 720: 0 };
export const CURRENCY = "usd";

export interface BillingFixture {
  baseUrl: string;
  knex: Knex;
  useCases: BillingUseCases;
  /** Records a new price version from this list (as PRICE_LIST at start does). */
  setPrices(prices: PriceList): Promise<void>;
  /** Credits the user's wallet at once (the development top-up), `amount` in minor units. */
  topUp(userId: string, amount: number): Promise<void>;
  /** The user's wallet balance in minor units (0 for a wallet never used). */
  balance(userId: string): Promise<number>;
  /** Stops answering (connections refused) until `start` again, with the same database and port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real billing service in-process on a free port, verifying service tokens with the given
 * auth's keys, in a database of its own (so the prices one test file sets never reach another).
 */
export async function startBillingFixture(auth: AuthFixture, { prices = ZERO_PRICES }: { prices?: PriceList } = {}): Promise<BillingFixture> {
  const logger = createLogger({ service: "billing-test", level: "warn" });
  const database = uniqueName("tollgate_billing_test").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
  const url = testDatabaseUrl(database);
  const knex = await openDatabase({ url, logger, migrations: billingMigrations });
  const useCases = createUseCases({ knex, logger }, { topicNamespace: uniqueName("bil"), currency: CURRENCY, topUpMinAmount: 100, topUpMaxAmount: 100_000 });
  const setPrices = async (list: PriceList) => {
    await useCases.prices.applyConfigured(CURRENCY, durationHoursValues.map((hours) => ({ durationHours: hours, unitAmount: list[hours] })));
  };
  await setPrices(prices);
  const app = createApp({ logger, knex, verifier: auth.verifier, useCases, production: false });
  let server: Server = createServer(app);
  const port = await listen(server, 0, "127.0.0.1");
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    knex,
    useCases,
    setPrices,
    async topUp(userId, amount) {
      await useCases.developmentTopUp.execute(userId, amount);
    },
    async balance(userId) {
      return (await useCases.read.wallet(userId)).balance;
    },
    stop,
    async start() {
      server = createServer(app);
      await listen(server, port, "127.0.0.1");
    },
    async close() {
      if (server.listening) await stop();
      await knex.destroy();
      await dropDatabase(database);
    },
  };
}

async function dropDatabase(database: string): Promise<void> {
  const admin = knexFactory({ client: "pg", connection: testDatabaseUrl("postgres"), pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.destroy();
  }
}
