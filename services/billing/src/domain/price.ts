import type { DurationHours } from "@tollgate/contracts";

/** One duration's price in one price version; `id` is the `price_id` a purchase records. */
export interface Price {
  id: string;
  durationHours: DurationHours;
  /** Minor units of `currency`; 0 sells the duration free. */
  unitAmount: number;
  currency: string;
}

export interface PriceEntry {
  durationHours: DurationHours;
  unitAmount: number;
}

/** `PRICE_LIST` as it is stored beside a config version, to tell whether the configuration changed. */
export const configText = (entries: readonly PriceEntry[]): string =>
  [...entries]
    .sort((a, b) => a.durationHours - b.durationHours)
    .map((entry) => `${entry.durationHours}:${entry.unitAmount}`)
    .join(",");
