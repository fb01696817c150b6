import { ConfigError, parseConfig } from "@tollgate/service-kit";
import { billingConfigSchema } from "./config";

const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/tollgate_billing", PRICE_LIST: "1:200,12:1500,24:2500,168:12000,720:40000" };
const problem = (overrides: Record<string, string | undefined>): string => {
  try {
    parseConfig(billingConfigSchema, { ...env, ...overrides });
    return "accepted";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe("billing configuration", () => {
  it("when PRICE_LIST names every duration once, then each becomes a price in minor units, on port 3005 in usd without Stripe", () => {
    const config = parseConfig(billingConfigSchema, env);
    expect(config.PRICE_LIST).toEqual([
      { durationHours: 1, unitAmount: 200 },
      { durationHours: 12, unitAmount: 1500 },
      { durationHours: 24, unitAmount: 2500 },
      { durationHours: 168, unitAmount: 12000 },
      { durationHours: 720, unitAmount: 40000 },
    ]);
    expect(config).toMatchObject({ PORT: 3005, PRICE_CURRENCY: "usd" });
    expect([config.STRIPE_SECRET_KEY, config.STRIPE_WEBHOOK_SECRET]).toEqual([undefined, undefined]);
  });

  it.each([
    ["PRICE_LIST is missing", { PRICE_LIST: undefined }],
    ["a duration is missing", { PRICE_LIST: "1:200,12:1500,24:2500,168:12000" }],
    ["a duration is not sold", { PRICE_LIST: "1:200,12:1500,24:2500,168:12000,720:40000,2:5" }],
    ["a duration is named twice", { PRICE_LIST: "1:200,1:300,24:2500,168:12000,720:40000" }],
    ["an amount is negative", { PRICE_LIST: "1:-200,12:1500,24:2500,168:12000,720:40000" }],
  ])("when %s, then the service refuses to start, naming PRICE_LIST", (_case, overrides) => {
    expect(problem(overrides)).toContain("PRICE_LIST");
  });

  it("when the currency is not lower-case ISO 4217 or a Stripe key is empty, then the variable is named", () => {
    expect(problem({ PRICE_CURRENCY: "USD" })).toContain("PRICE_CURRENCY");
    expect(problem({ STRIPE_SECRET_KEY: "" })).toContain("STRIPE_SECRET_KEY");
  });
});
