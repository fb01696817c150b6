import type { ErrorBody, PriceList, PurchaseTokenResponse } from "@tollgate/contracts";
import { PriceChangedError } from "../errors";
import type { TollgateClient } from "../tollgate-client";
import { buyAtShownPrice } from "./buy-at-shown-price";

const SHOWN = "0b7a5a4e-9d5c-4b8e-8d0f-3c2b1a0f9e88";
const CURRENT = "6f1d8a60-4c1e-4d59-9a57-2f4a7d0c1b11";
const list = (unitAmount: number, priceId: string): PriceList => ({ currency: "usd", prices: [{ duration_hours: 1, unit_amount: unitAmount, price_id: priceId }] });
const changed: ErrorBody = { detail: "the price changed", error_code: "PRICE_CHANGED", status_code: 409, timestamp: new Date().toISOString(), request_id: "r" };

/** The buyer's yes binds the price shown: a price changed meanwhile is never paid without being asked again. */
describe("buying at the price shown", () => {
  function buyer() {
    const warnings: string[] = [];
    const purchase = jest.fn<Promise<PurchaseTokenResponse>, [number, { priceId?: string }]>().mockRejectedValue(new PriceChangedError(changed));
    const prices = jest.fn<Promise<PriceList>, []>().mockResolvedValueOnce(list(200, SHOWN)).mockResolvedValue(list(300, CURRENT));
    const client = { billing: { prices }, tokens: { purchase } } as unknown as TollgateClient;
    return { ctx: { client, warn: (text: string) => warnings.push(text) }, purchase, warnings };
  }

  it("when the price changed between showing it and --yes buying, then the purchase names the shown price_id, one line says $2.00 became $3.00 and nothing was bought, and it exits 1", async () => {
    const { ctx, purchase, warnings } = buyer();
    await expect(buyAtShownPrice(ctx, 1, true)).resolves.toEqual({ refused: 1 });
    expect(purchase).toHaveBeenCalledTimes(1);
    expect(purchase.mock.calls[0]?.[1]).toEqual({ priceId: SHOWN });
    expect(warnings).toEqual(["The price of a 1 h token changed from $2.00 to $3.00 before the purchase; nothing was bought or paid. Run tollgate buy 1 again to buy at $3.00."]);
  });

  it("when there is no terminal to ask on and no --yes, then nothing is bought: the price is never paid unasked", async () => {
    const { ctx, purchase, warnings } = buyer();
    await expect(buyAtShownPrice(ctx, 1, false, false)).rejects.toThrow("No terminal to ask on");
    expect(purchase).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
  });
});
