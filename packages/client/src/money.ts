/**
 * Money as the billing service speaks it: an integer `amount` in the currency's minor units
 * (cents for "usd", yen for "jpy") and a lower-case ISO 4217 `currency`, as Stripe does. The number
 * of minor-unit digits comes from the ISO 4217 data Intl carries (2 for usd and eur, 0 for jpy).
 */

function currencyFormat(currency: string, locale?: string): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
}

/** How many digits of `currency`'s amounts are minor units: 2 for "usd", 0 for "jpy". Throws a RangeError for an unknown code. */
export function minorUnitDigits(currency: string): number {
  return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * `amount` minor units of `currency` as a person reads it, in `locale` (default: the system's):
 * `formatMoney(150, "usd")` → "$1.50", `formatMoney(-200, "usd")` → "-$2.00", `formatMoney(500, "jpy")` → "¥500".
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const digits = minorUnitDigits(currency);
  // Exact for any safe integer: the division only moves the decimal point the formatter prints.
  return currencyFormat(currency, locale).format(amount / 10 ** digits);
}

/**
 * What a person typed as an amount in major units ("5", "5.00", "12.5") as minor units of
 * `currency` (500, 500, 1250 for "usd"); no sign, no thousands separators, at most as many decimals
 * as the currency has. Never goes through a float. Throws a RangeError saying what is accepted.
 */
export function parseMajorAmount(text: string, currency: string): number {
  const digits = minorUnitDigits(currency);
  const pattern = digits === 0 ? /^(\d{1,12})$/ : new RegExp(`^(\\d{1,12})(?:\\.(\\d{1,${digits}}))?$`);
  const match = pattern.exec(text.trim());
  if (!match) {
    const example = digits === 0 ? "500" : `5 or 5.${"0".repeat(digits)}`;
    throw new RangeError(`an amount is a number of ${currency.toUpperCase()} such as ${example}, with at most ${digits} decimal${digits === 1 ? "" : "s"}`);
  }
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").padEnd(digits, "0");
  return Number(whole) * 10 ** digits + Number(fraction || "0");
}
