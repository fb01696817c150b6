import { durationHoursValues, type DurationHours } from "@tollgate/contracts";
import { baseEnvShape, kafkaEnvShape, loadConfigOrExit, port, positiveInt, requiredString, urlString } from "@tollgate/service-kit";
import { z } from "zod";

/** `1:200,12:1500,24:2500,168:12000,720:40000`: every duration sold, each once, at a unit amount in minor units (0 = free). */
const priceList = z
  .string()
  .regex(/^\d+:\d+(,\d+:\d+)*$/, "must look like 1:200,12:1500,24:2500,168:12000,720:40000")
  .transform((value, ctx) => {
    const prices = value.split(",").map((pair) => {
      const [hours, amount] = pair.split(":").map(Number) as [number, number];
      return { durationHours: hours as DurationHours, unitAmount: amount };
    });
    const hours = prices.map((price) => price.durationHours);
    const complete = hours.length === durationHoursValues.length && durationHoursValues.every((value) => hours.includes(value));
    if (!complete || prices.some((price) => !Number.isSafeInteger(price.unitAmount) || price.unitAmount > 100_000_000)) {
      ctx.addIssue({ code: "custom", message: `must price each of ${durationHoursValues.join(", ")} hours exactly once, in minor units` });
      return z.NEVER;
    }
    return prices;
  });

const optionalSecret = z.string().min(1, "must not be empty when set").optional();

export const billingConfigSchema = z.object({
  ...baseEnvShape,
  ...kafkaEnvShape,
  PORT: port(3005),
  DATABASE_URL: requiredString().pipe(z.url({ error: "must be a postgres:// URL" })),
  /** Where the auth service publishes its signing keys. */
  AUTH_JWKS_URL: urlString("http://127.0.0.1:3001/.well-known/jwks.json"),
  JWT_ISSUER: z.string().min(1).default("tollgate-auth"),
  JWT_AUDIENCE: z.string().min(1).default("tollgate"),
  /** Longest access-token lifetime, so revoked sessions are remembered that long. */
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  /** The currency everything is sold in (lower-case ISO 4217, as Stripe writes it). */
  PRICE_CURRENCY: z.string().regex(/^[a-z]{3}$/, "must be a lower-case ISO 4217 code such as usd").default("usd"),
  /**
   * The price list this deployment starts from. A new price version is recorded when it differs
   * from the last one taken from configuration; an admin's later versions stand until then.
   */
  PRICE_LIST: priceList,
  /** Card top-ups through Stripe Checkout; without it they answer 503 PAYMENTS_NOT_CONFIGURED. */
  STRIPE_SECRET_KEY: optionalSecret,
  /** The signing secret of the webhook endpoint (`whsec_…`); without it webhooks answer 503. */
  STRIPE_WEBHOOK_SECRET: optionalSecret,
  /** Where Checkout sends the user after paying, and after giving up. */
  TOP_UP_SUCCESS_URL: urlString("http://127.0.0.1:8080/billing/top-ups/success"),
  TOP_UP_CANCEL_URL: urlString("http://127.0.0.1:8080/billing/top-ups/cancelled"),
  /** Smallest card top-up in minor units (Stripe's minimum charge is about 50 cents). */
  TOP_UP_MIN_AMOUNT: positiveInt(100),
  TOP_UP_MAX_AMOUNT: positiveInt(100_000),
});
export type BillingConfig = z.infer<typeof billingConfigSchema>;

export const loadBillingConfig = (): BillingConfig => loadConfigOrExit(billingConfigSchema, process.env);
