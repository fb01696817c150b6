/** Why access through the connector ended: the token's state, or the caller's own `close()`. */
export type ConnectorEndReason = "revoked" | "expired" | "invalid" | "closed";

export interface ConnectorEnd {
  reason: ConnectorEndReason;
  /** The proxy's error code (`TOKEN_REVOKED`, `TOKEN_EXPIRED`, `TOKEN_INVALID`); absent for "closed". */
  code?: string;
}

/** The token error codes that end access for good, and the reason each stands for. */
export const ENDING_CODES: Readonly<Record<string, Exclude<ConnectorEndReason, "closed">>> = {
  TOKEN_REVOKED: "revoked",
  TOKEN_EXPIRED: "expired",
  TOKEN_INVALID: "invalid",
};

export const isEndingTokenCode = (code: string): boolean => Object.hasOwn(ENDING_CODES, code);

export interface AccessWatchOptions {
  /** Asks the gateway about the token: the end it reports, or undefined while access goes on. */
  probe: () => Promise<ConnectorEnd | undefined>;
  onEnd: (end: ConnectorEnd) => void;
  /** A probe now and then even when nothing looks wrong (expiry, or a revocation we missed). */
  intervalMs: number;
  /** At most one probe per this many ms, however many 401s arrive together. */
  minGapMs: number;
  /** A probe that failed (the gateway unreachable, a 5xx): reported, and access goes on. */
  onProbeError: (error: unknown) => void;
}

/**
 * Decides when access has ended. Anything suspicious (a 401 from a forwarded request, a tunnel
 * closed with 4401) calls `suspect()`, which runs one probe: never two at once, at most one per
 * `minGapMs`, and one more after the current one when a suspicion arrives while it runs (the
 * running probe may have been answered before the revocation that caused it).
 */
export class AccessWatch {
  private timer: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private lastProbeAt = 0;
  private finished: ConnectorEnd | undefined;

  constructor(private readonly options: AccessWatchOptions) {}

  get end(): ConnectorEnd | undefined {
    return this.finished;
  }

  start(): void {
    this.interval = setInterval(() => this.suspect(), this.options.intervalMs);
    this.interval.unref();
  }

  suspect(): void {
    if (this.finished) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastProbeAt + this.options.minGapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  /** Ends access with `end` (first caller wins) and stops probing. */
  finish(end: ConnectorEnd): void {
    if (this.finished) return;
    this.finished = end;
    clearTimeout(this.timer);
    clearInterval(this.interval);
    this.options.onEnd(end);
  }

  private async run(): Promise<void> {
    this.running = true;
    this.again = false;
    this.lastProbeAt = Date.now();
    try {
      const end = await this.options.probe();
      if (end) this.finish(end);
    } catch (error) {
      this.options.onProbeError(error);
    } finally {
      this.running = false;
      if (this.again) this.suspect();
    }
  }
}
