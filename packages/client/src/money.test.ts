import { formatMoney, minorUnitDigits, parseMajorAmount } from "./money";

describe("money in minor units", () => {
  it("when an amount is formatted, then the currency's own decimals and symbol are used, a debit with its sign", () => {
    expect(formatMoney(150, "usd", "en-US")).toBe("$1.50");
    expect(formatMoney(-200, "usd", "en-US")).toBe("-$2.00");
    expect(formatMoney(0, "eur", "en-US")).toBe("€0.00");
    expect(formatMoney(500, "jpy", "en-US")).toBe("¥500");
    expect(formatMoney(123456789, "usd", "en-US")).toBe("$1,234,567.89");
  });

  it("when a person types an amount in major units, then it becomes minor units without a float's rounding", () => {
    expect(parseMajorAmount("5", "usd")).toBe(500);
    expect(parseMajorAmount("5.00", "usd")).toBe(500);
    expect(parseMajorAmount("12.5", "usd")).toBe(1250);
    expect(parseMajorAmount("0.29", "usd")).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(parseMajorAmount("500", "jpy")).toBe(500);
    expect(minorUnitDigits("jpy")).toBe(0);
  });

  it.each(["", "-5", "5.001", "1,000", "5.", "abc", "1e3", "  "])("when %j is typed as a usd amount, then a RangeError says what an amount is", (text) => {
    expect(() => parseMajorAmount(text, "usd")).toThrow(/an amount is a number of USD such as 5 or 5\.00, with at most 2 decimals/);
  });

  it("when a jpy amount has decimals, then it is refused: yen have none", () => {
    expect(() => parseMajorAmount("5.5", "jpy")).toThrow(/such as 500, with at most 0 decimals/);
  });
});
