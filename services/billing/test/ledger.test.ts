import { createDatabase, createLogger, ensureDatabase, migrate } from "@tollgate/service-kit";
import type { Knex } from "knex";
import { randomUUID } from "node:crypto";
import { billingMigrations } from "../src/migrations";
import { BILLING_DATABASE_URL } from "./support/billing-fixture";

/** The ledger's own guarantees, held by the database whatever the code above it does. */
describe("the double-entry ledger", () => {
  let knex: Knex;

  beforeAll(async () => {
    await ensureDatabase(BILLING_DATABASE_URL);
    knex = createDatabase({ url: BILLING_DATABASE_URL, logger: createLogger({ service: "billing-test", level: "error" }) });
    await migrate(knex, billingMigrations);
  });

  afterAll(async () => {
    await knex.destroy();
  });

  const movement = (tx: Knex.Transaction, entries: { account: string; amount: number; currency?: string }[]) =>
    tx("ledger_transactions")
      .insert({ kind: "adjustment", user_id: randomUUID(), currency: "zzz", amount: entries[0]?.amount ?? 0, reference_type: "adjustment", reference_id: randomUUID(), description: "test" })
      .returning<{ id: string }[]>("id")
      .then(async ([row]) => {
        await tx("ledger_entries").insert(entries.map((entry) => ({ transaction_id: row?.id, account: entry.account, currency: entry.currency ?? "zzz", amount: entry.amount })));
        return row?.id as string;
      });

  it("when a transaction's entries do not sum to zero, have one entry or mix currencies, then its commit is refused and nothing is written", async () => {
    for (const entries of [
      [
        { account: "wallet:a:zzz", amount: 100 },
        { account: "adjustments:zzz", amount: -99 },
      ],
      [{ account: "wallet:a:zzz", amount: 0 }],
      [
        { account: "wallet:a:zzz", amount: 100 },
        { account: "adjustments:yyy", amount: -100, currency: "yyy" },
      ],
    ]) {
      let id: string | undefined;
      await expect(
        knex.transaction(async (tx) => {
          id = await movement(tx, entries);
        }),
      ).rejects.toThrow(/does not balance/);
      expect(await knex("ledger_transactions").where({ id })).toHaveLength(0);
    }
  });

  it("when a balanced transaction is written, then it commits, and no entry or transaction can be changed or deleted afterwards", async () => {
    const id = await knex.transaction((tx) =>
      movement(tx, [
        { account: "wallet:b:zzz", amount: 250 },
        { account: "adjustments:zzz", amount: -250 },
      ]),
    );
    await expect(knex("ledger_entries").where({ transaction_id: id }).update({ amount: 1 })).rejects.toThrow(/append-only/);
    await expect(knex("ledger_entries").where({ transaction_id: id }).delete()).rejects.toThrow(/append-only/);
    await expect(knex("ledger_transactions").where({ id }).update({ description: "rewritten" })).rejects.toThrow(/append-only/);
    expect(await knex("ledger_entries").where({ transaction_id: id }).sum<{ sum: string }[]>("amount as sum")).toEqual([{ sum: "0" }]);
  });
});
