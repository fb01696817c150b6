import type { Logger } from "@tollgate/service-kit";
import type { RecoverPurchasesUseCase } from "./domain/recover-purchases.use-case";

/**
 * Runs the recovery sweep every `intervalMs` on every instance (the sweep's row locks keep them
 * apart), one run at a time. A failed run (billing or the database away) is logged and tried again
 * at the next tick: what it did not settle stays pending.
 */
export class PurchaseSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly recover: RecoverPurchasesUseCase,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.intervalMs);
  }

  /** One sweep now (unless one is running: then that one). */
  runOnce(): Promise<void> {
    const run = (this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    }));
    return run;
  }

  private async sweep(): Promise<void> {
    try {
      const result = await this.recover.sweepOnce();
      if (result.purchasesCancelled + result.refundsFinished > 0) this.logger.info("purchase sweep", { ...result });
    } catch (error) {
      this.logger.warn("purchase sweep failed; retrying at the next tick", { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Stops the timer and waits for a run in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
