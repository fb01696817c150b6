import { durationHoursValues, errorCodes, topUpAmountIssueSchema, type DurationHours, type PriceList } from "@tollgate/contracts";
import { InvalidArgumentError, type Command } from "commander";
import { TollgateError } from "../errors";
import { formatMoney, parseMajorAmount } from "../money";
import type { CliAction } from "./cli-action";
import { parseUuid } from "./cli-arguments";
import { CliUsageError } from "./cli-errors";
import { buyAtShownPrice } from "./buy-at-shown-price";
import { receiptLines, transactionLines } from "./transactions-output";

function parseHours(value: string): DurationHours {
  const hours = Number(value);
  if (!durationHoursValues.includes(hours as DurationHours)) throw new InvalidArgumentError(`hours must be one of ${durationHoursValues.join(", ")}.`);
  return hours as DurationHours;
}

/** A plausible amount before the currency is known (the exact rule, its decimals, is checked once it is). */
function parseAmountText(value: string): string {
  if (!/^\d{1,12}(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError("an amount is a positive number in your currency, such as 5 or 5.00.");
  return value.trim();
}

function parseLimit(value: string): number {
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= 100)) throw new InvalidArgumentError("a limit is an integer from 1 to 100.");
  return limit;
}

/** The amount typed, in minor units of the currency the service sells in; a usage error (exit 2) when it does not fit it. */
function minorUnits(text: string, prices: PriceList): number {
  let amount: number;
  try {
    amount = parseMajorAmount(text, prices.currency);
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}.`);
  }
  if (amount <= 0) throw new CliUsageError("a top-up is more than zero.");
  return amount;
}

/**
 * A top-up the service refused for its range: the range as a person types money ("$1.00 to
 * $1,000.00"), from the bounds the 422 carries, never the minor units it is checked in.
 */
function topUpOutOfRange(error: unknown): CliUsageError | undefined {
  if (!(error instanceof TollgateError) || error.code !== errorCodes.VALIDATION_ERROR) return undefined;
  const issue = error.issues.map((candidate) => topUpAmountIssueSchema.safeParse(candidate)).find((parsed) => parsed.success)?.data;
  if (!issue) return undefined;
  return new CliUsageError(`a top-up is from ${formatMoney(issue.minimum, issue.currency)} to ${formatMoney(issue.maximum, issue.currency)}.`);
}

/** buy, balance, topup, transactions, receipt, refund. */
export function addBillingCommands(program: Command, act: CliAction): void {
  program
    .command("buy")
    .description("buy an access token, paid from your wallet; it is printed once and remembered for get and connect")
    .argument("<hours>", `how long it lasts once first used: ${durationHoursValues.join(", ")}`, parseHours)
    .option("-y, --yes", "buy without asking to confirm the price (scripts)")
    .action(
      act(async (ctx, hours: DurationHours, options: { yes?: boolean }) => {
        const outcome = await buyAtShownPrice(ctx, hours, options.yes === true);
        if ("refused" in outcome) return outcome.refused;
        const { bought } = outcome;
        ctx.tokens.remember(bought);
        const paid = bought.amount > 0 ? `paid ${formatMoney(bought.amount, bought.currency)} (purchase ${bought.purchase_id})` : "free";
        ctx.print(`token ${bought.id} for ${bought.duration_hours} h, ${paid} (the clock starts on first use):\n${bought.token}\nShown only once; remembered here for tollgate get and tollgate connect.`);
        return 0;
      }),
    );

  program
    .command("balance")
    .description("what your wallet holds")
    .action(
      act(async (ctx) => {
        const wallet = await ctx.client.billing.wallet();
        ctx.print(`balance ${formatMoney(wallet.balance, wallet.currency)}`);
        return 0;
      }),
    );

  program
    .command("topup")
    .description("add money to your wallet: prints a card payment page to open (or, with --dev on a development stack, adds it at once)")
    .argument("<amount>", "how much, in your currency's units as you would write it: 5 or 5.00", parseAmountText)
    .option("--dev", "development stacks only: credit the wallet at once, no payment (production refuses it)")
    .action(
      act(async (ctx, text: string, options: { dev?: boolean }) => {
        const amount = minorUnits(text, await ctx.client.billing.prices());
        const outOfRange = (error: unknown): never => {
          throw topUpOutOfRange(error) ?? error;
        };
        if (options.dev) {
          const credited = await ctx.client.billing.devTopUp(amount).catch(outOfRange);
          ctx.print(`added ${formatMoney(credited.amount, credited.currency)} (development top-up, no payment)${credited.balance_after === null ? "" : `; balance ${formatMoney(credited.balance_after, credited.currency)}`}`);
          return 0;
        }
        const topUp = await ctx.client.billing.topUp(amount).catch(outOfRange);
        ctx.print(`Pay ${formatMoney(topUp.amount, topUp.currency)} by card here:\n${topUp.checkout_url ?? "(no payment page was given)"}\nYour wallet is credited once the payment succeeds: tollgate balance`);
        return 0;
      }),
    );

  program
    .command("transactions")
    .description("your wallet's movements, newest first: top-ups, purchases, refunds, adjustments")
    .option("--limit <n>", "movements per page (1-100, default 20)", parseLimit)
    .option("--cursor <cursor>", "the page after the one that printed it")
    .option("--json", "print the page as JSON (data and next_cursor), for scripts")
    .action(
      act(async (ctx, options: { limit?: number; cursor?: string; json?: boolean }) => {
        const page = await ctx.client.billing.transactions({ limit: options.limit, cursor: options.cursor });
        if (options.json) {
          ctx.print(JSON.stringify(page, null, 2));
          return 0;
        }
        for (const line of transactionLines(page.data)) ctx.print(line);
        if (page.next_cursor) ctx.print(`more: tollgate transactions --cursor ${page.next_cursor}`);
        return 0;
      }),
    );

  program
    .command("receipt")
    .description("the receipt of one of your purchases: what you paid, when, and what came back (ids: tollgate transactions)")
    .argument("<purchase-id>", "the purchase's id, as tollgate buy and tollgate transactions print it", parseUuid("a purchase id", "tollgate transactions prints them"))
    .action(
      act(async (ctx, id: string) => {
        for (const line of receiptLines(await ctx.client.billing.receipt(id))) ctx.print(line);
        return 0;
      }),
    );

  program
    .command("refund")
    .description("return a token you never used for its full price back to your wallet (ids: tollgate tokens)")
    .argument("<token-id>", "the token's id, as tollgate tokens lists it", parseUuid("a token id", "tollgate tokens lists them"))
    .action(
      act(async (ctx, id: string) => {
        const refund = await ctx.client.tokens.refund(id);
        ctx.tokens.forget(refund.token_id);
        ctx.print(`token ${refund.token_id} is refunded: ${formatMoney(refund.amount, refund.currency)} back in your wallet`);
        return 0;
      }),
    );
}
