import type { DurationHours, PriceList, PurchaseTokenResponse } from "@tollgate/contracts";
import { InsufficientFundsError, PriceChangedError } from "../errors";
import { formatMoney } from "../money";
import type { CliContext } from "./cli-context";
import { askConfirmation } from "./prompts";
import { withProgress } from "./progress";

/** The wallet cannot pay: say by how much, and what to do. */
async function refusedForFunds(ctx: Pick<CliContext, "client" | "warn">, price: number, currency: string): Promise<number> {
  const wallet = await ctx.client.billing.wallet();
  ctx.warn(`Not enough money: balance ${formatMoney(wallet.balance, wallet.currency)}, price ${formatMoney(price, currency)}: top up with \`tollgate topup <amount>\`.`);
  return 1;
}

/** The price shown for `hours`: what it costs and the price version that binds the purchase to it. */
function priceOf(prices: PriceList, hours: DurationHours): { amount: number; priceId: string | undefined } {
  const entry = prices.prices.find((candidate) => candidate.duration_hours === hours);
  return { amount: entry?.unit_amount ?? 0, priceId: entry?.price_id };
}

/**
 * Shows the price, asks, and buys at that price (its price_id). When the price changed between
 * the showing and the yes (409 PRICE_CHANGED: nothing was debited), the new price is shown and
 * asked about again; with --yes or without a terminal there is nobody to ask, so it stops (exit 1).
 */
export async function buyAtShownPrice(ctx: Pick<CliContext, "client" | "warn">, hours: DurationHours, yes: boolean, interactive = process.stdin.isTTY === true): Promise<{ bought: PurchaseTokenResponse } | { refused: number }> {
  let prices = await ctx.client.billing.prices();
  let shown = priceOf(prices, hours);
  let question = `A ${hours} h token costs ${formatMoney(shown.amount, prices.currency)}. Buy it?`;
  for (let round = 0; round < 5; round++) {
    if (shown.amount > 0 && !(await askConfirmation(question, { skip: yes, flag: "--yes" }))) {
      ctx.warn("nothing bought");
      return { refused: 1 };
    }
    try {
      return { bought: await withProgress("buying", ctx.client.tokens.purchase(hours, { priceId: shown.priceId })) };
    } catch (error) {
      if (error instanceof InsufficientFundsError) return { refused: await refusedForFunds(ctx, shown.amount, prices.currency) };
      if (!(error instanceof PriceChangedError)) throw error;
      const was = formatMoney(shown.amount, prices.currency);
      prices = await ctx.client.billing.prices();
      shown = priceOf(prices, hours);
      const now = formatMoney(shown.amount, prices.currency);
      if (yes || !interactive) {
        ctx.warn(`The price of a ${hours} h token changed from ${was} to ${now} before the purchase; nothing was bought or paid. Run tollgate buy ${hours} again to buy at ${now}.`);
        return { refused: 1 };
      }
      question = `The price of a ${hours} h token changed from ${was} to ${now}; nothing was paid. Buy it at ${now}?`;
      // A new price of 0 is not asked about below: say it.
      if (shown.amount === 0) ctx.warn(`The price of a ${hours} h token changed from ${was} to ${now}.`);
    }
  }
  ctx.warn("the price kept changing; nothing was bought");
  return { refused: 1 };
}
