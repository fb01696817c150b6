/**
 * Runs the work for one game one at a time on this instance, in arrival order; different games
 * run concurrently. A move is decided on the state the previous move of the same game left,
 * never beside it, so two moves racing on one instance cost no database round trip to settle:
 * the second is refused (STALE_SEQ, NOT_YOUR_TURN) or recognised as a repeat from memory.
 */
export class PerGameQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(gameId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(gameId);
    const result = previous ? previous.then(work) : work();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(gameId, tail);
    void tail.then(() => {
      if (this.tails.get(gameId) === tail) this.tails.delete(gameId);
    });
    return result;
  }

  /** Games with work queued or running (for tests: the map must not grow with finished work). */
  get size(): number {
    return this.tails.size;
  }
}
