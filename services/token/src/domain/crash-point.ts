/**
 * The steps of a purchase at which the crash tests stop this process (PURCHASE_CRASH_POINT):
 * - `before_debit`: the purchase row is committed as pending, billing not yet asked;
 * - `after_debit`: billing has debited, the token is not minted;
 * - `after_mint`: the token and the completed purchase are committed, the answer not yet sent.
 */
export const purchaseCrashPoints = ["before_debit", "after_debit", "after_mint"] as const;
export type PurchaseCrashPoint = (typeof purchaseCrashPoints)[number];

/** Called at each step; the real one (main.ts, NODE_ENV=test only) SIGKILLs the process at its step. */
export type CrashHook = (step: PurchaseCrashPoint) => void;

export const noCrash: CrashHook = () => undefined;

/** SIGKILL, not an exception: nothing after this line runs, no handler, no flush, as in a real crash. */
export function crashAt(point: PurchaseCrashPoint): CrashHook {
  return (step) => {
    if (step === point) process.kill(process.pid, "SIGKILL");
  };
}
