import type { DurationHours } from "@tollgate/contracts";
import type { Knex } from "knex";
import { configText, type Price, type PriceEntry } from "../domain/price";
import type { PriceRepositoryPort } from "../domain/price.repository.port";
import { toAmount, type Tx } from "./billing-rows";

interface PriceRow {
  id: string;
  duration_hours: number;
  unit_amount: string;
  currency: string;
}

const toPrice = (row: PriceRow): Price => ({ id: row.id, durationHours: row.duration_hours as DurationHours, unitAmount: toAmount(row.unit_amount), currency: row.currency.trim() });

/** Price versions: the newest version of a currency is its price list. */
export class PriceRepository implements PriceRepositoryPort {
  constructor(private readonly knex: Knex) {}

  /** The current price of every duration in `currency`, shortest first; empty before any version exists. */
  async current(currency: string, db: Knex | Tx = this.knex): Promise<Price[]> {
    const rows = await db("prices as p")
      .join("price_versions as v", "v.id", "p.price_version_id")
      .where("v.id", db("price_versions").select("id").where({ currency }).orderBy("version", "desc").limit(1))
      .orderBy("p.duration_hours")
      .select<PriceRow[]>("p.id", "p.duration_hours", "p.unit_amount", "v.currency");
    return rows.map(toPrice);
  }

  /** Any version's price by its id (current or superseded); undefined when there is none. */
  async find(id: string, db: Knex | Tx = this.knex): Promise<Price | undefined> {
    const row = await db("prices as p")
      .join("price_versions as v", "v.id", "p.price_version_id")
      .where("p.id", id)
      .first<PriceRow | undefined>("p.id", "p.duration_hours", "p.unit_amount", "v.currency");
    return row ? toPrice(row) : undefined;
  }

  /** Records a new version (every duration given; the caller carries unchanged ones over). */
  async addVersion(tx: Tx, version: { currency: string; source: "config" | "admin"; createdBy: string | null; entries: readonly PriceEntry[] }): Promise<Price[]> {
    const [row] = await tx("price_versions")
      .insert({ currency: version.currency, source: version.source, created_by: version.createdBy, config_text: version.source === "config" ? configText(version.entries) : null })
      .returning<{ id: string }[]>("id");
    const rows = await tx("prices")
      .insert(version.entries.map((entry) => ({ price_version_id: (row as { id: string }).id, duration_hours: entry.durationHours, unit_amount: entry.unitAmount })))
      .returning<Omit<PriceRow, "currency">[]>(["id", "duration_hours", "unit_amount"]);
    return rows.map((price) => toPrice({ ...price, currency: version.currency })).sort((a, b) => a.durationHours - b.durationHours);
  }

  /**
   * PRICE_LIST at start: a new version when it differs from the last one configuration gave (so an
   * admin's later versions survive restarts until the operator changes the configuration). Safe
   * when several instances start at once.
   */
  async applyConfigured(currency: string, entries: readonly PriceEntry[]): Promise<boolean> {
    return this.knex.transaction(async (tx) => {
      await tx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`billing-prices:${currency}`]);
      const last = await tx("price_versions").where({ currency, source: "config" }).orderBy("version", "desc").first<{ config_text: string } | undefined>("config_text");
      if (last?.config_text === configText(entries)) return false;
      await this.addVersion(tx, { currency, source: "config", createdBy: null, entries });
      return true;
    });
  }

  async lockCurrency(tx: Tx, currency: string): Promise<void> {
    await tx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`billing-prices:${currency}`]);
  }
}
