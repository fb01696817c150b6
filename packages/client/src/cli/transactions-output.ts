import type { Receipt, WalletTransaction } from "@tollgate/contracts";
import { formatMoney } from "../money";

const KIND_LABELS: Record<WalletTransaction["kind"], string> = {
  top_up: "top-up",
  purchase: "purchase",
  refund: "refund",
  adjustment: "adjustment",
  provider_refund: "card refund",
  dispute: "dispute",
};

/**
 * A table of wallet movements: when, what, the signed amount (credits with "+"), what it refers to.
 * Amounts are right-aligned in one column so the eye can add them up.
 */
export function transactionLines(transactions: WalletTransaction[]): string[] {
  if (transactions.length === 0) return ["no transactions"];
  const amounts = transactions.map((entry) => `${entry.amount > 0 ? "+" : ""}${formatMoney(entry.amount, entry.currency)}`);
  const width = Math.max(6, ...amounts.map((amount) => amount.length));
  const header = ["DATE".padEnd(20), "KIND".padEnd(11), "AMOUNT".padStart(width), "DESCRIPTION"].join("  ");
  const rows = transactions.map((entry, index) =>
    [entry.created_at.slice(0, 19).replace("T", " ").padEnd(20), KIND_LABELS[entry.kind].padEnd(11), (amounts[index] ?? "").padStart(width), `${entry.description} (${entry.reference.type} ${entry.reference.id})`].join("  "),
  );
  return [header, ...rows];
}

/** A purchase's receipt: what was bought, paid when and at which price version, then each refund. */
export function receiptLines(receipt: Receipt): string[] {
  const when = (iso: string) => iso.slice(0, 19).replace("T", " ");
  return [
    `purchase ${receipt.purchase_id}: a ${receipt.duration_hours} h token, ${formatMoney(receipt.amount, receipt.currency)} paid ${when(receipt.debited_at)} (price ${receipt.price_id}); ${receipt.status}`,
    ...receipt.refunds.map((refund) => `  refund ${refund.refund_id}  +${formatMoney(refund.amount, receipt.currency)}  ${when(refund.created_at)}  ${refund.reason}${refund.description ? `: ${refund.description}` : ""}`),
  ];
}
