import type { Redis } from "ioredis";

interface PendingPublish {
  channel: string;
  ownSubscription: boolean;
  encode: () => string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes game changes for the players connected to other instances, and only when there are
 * any: most games have both players on one instance, which delivers to them directly.
 *
 * Whether another instance subscribes to a game's channel is asked of Redis (PUBSUB NUMSUB) after
 * the change was committed. An instance that joins a socket to a game subscribes first and reads
 * the game from the database second; so if the question missed its subscription, the
 * subscription came after the commit and its read sees the change. Everything published within
 * one turn of the event loop shares one NUMSUB, and only the changes that need it are serialised
 * and published (before, every message was a PUBLISH of its own that came back to this instance).
 */
export class RemoteFanOut {
  private queue: PendingPublish[] = [];
  private scheduled = false;
  /** Settles once the previous batch has issued its PUBLISHes, so batches publish in order. */
  private previous: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis) {}

  /** `encode` is only called if the change has to be published. */
  publish(channel: string, ownSubscription: boolean, encode: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ channel, ownSubscription, encode, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const previous = this.previous;
    let issued = () => {};
    this.previous = new Promise((resolve) => (issued = resolve));
    this.publishBatch(batch, previous, issued).then(
      () => batch.forEach((pending) => pending.resolve()),
      (error: unknown) => batch.forEach((pending) => pending.reject(error)),
    );
  }

  private async publishBatch(batch: PendingPublish[], previous: Promise<void>, issued: () => void): Promise<void> {
    let published: Promise<[Error | null, unknown][] | null> | undefined;
    try {
      const reply = (await this.redis.pubsub("NUMSUB", ...batch.map((pending) => pending.channel))) as (string | number)[];
      await previous;
      // The reply alternates channel and subscriber count; this instance's own subscription is one of them.
      const remote = batch.filter((pending, i) => Number(reply[2 * i + 1]) > (pending.ownSubscription ? 1 : 0));
      if (remote.length > 0) {
        const pipeline = this.redis.pipeline();
        for (const pending of remote) pipeline.publish(pending.channel, pending.encode());
        published = pipeline.exec();
      }
    } finally {
      issued();
    }
    const failure = (await published)?.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }
}
