/**
 * A fix for kafkajs 2.2.4's idle timer loop, applied once per process (main thread or worker) by
 * `createKafka`.
 *
 * kafkajs's `RequestQueue.scheduleCheckPendingRequests` arms a `setTimeout` even when nothing is
 * pending and nothing is throttled; its delay is then negative (`throttledUntil` is -1), so every
 * connection to a broker re-arms a 1 ms timer forever (kafkajs issues #1556 and #1704, fixes
 * proposed in pull requests #1667 and #1768, none released). Measured on the billing service idle:
 * the loop and its timers were most of kafkajs's 8.5 s of CPU in 11 minutes.
 *
 * The guard skips only that case: with nothing pending and no throttle there is nothing to check
 * later, and the queue checks again by itself when a request is pushed (it schedules with a
 * request pending) or a response arrives. Every other case runs kafkajs's own code unchanged.
 */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

let applied = false;

export function fixKafkajsIdleTimerLoop(): void {
  if (applied) return;
  applied = true;
  // Not in kafkajs's typings: the queue is internal. Its module exports the class itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require("kafkajs/src/network/requestQueue") as { prototype: RequestQueueInternals };
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof original !== "function") throw new Error("kafkajs's RequestQueue has no scheduleCheckPendingRequests: check the idle-loop fix against this kafkajs version");
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
}
