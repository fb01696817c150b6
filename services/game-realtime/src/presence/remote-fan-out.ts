import type { Redis } from "ioredis";

// ARGV: triples of channel, subscribers that are this instance (0 or 1), payload.
// Publishes a payload only when some other instance subscribes to its channel; returns how many.
const PUBLISH_TO_OTHERS_SCRIPT = `
local published = 0
for i = 1, #ARGV, 3 do
  local counts = redis.call('PUBSUB', 'NUMSUB', ARGV[i])
  if counts[2] > tonumber(ARGV[i + 1]) then
    redis.call('PUBLISH', ARGV[i], ARGV[i + 2])
    published = published + 1
  end
end
return published
`;

interface PendingPublish {
  channel: string;
  ownSubscription: boolean;
  payload: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes game changes for the players connected to other instances, and only when there are
 * any: most games have both players on one instance, which delivers to them directly.
 *
 * Whether another instance subscribes to a game's channel is checked in Redis, in the same script
 * as the PUBLISH, after the change was committed. An instance that joins a socket to a game
 * subscribes first and reads the game from the database second; so if the check missed its
 * subscription, the subscription came after the commit and its read sees the change. Everything
 * published within one turn of the event loop goes in one script call: one round trip, in order.
 */
export class RemoteFanOut {
  private queue: PendingPublish[] = [];
  private scheduled = false;

  constructor(private readonly redis: Redis) {}

  publish(channel: string, ownSubscription: boolean, payload: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ channel, ownSubscription, payload, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const args = batch.flatMap((pending) => [pending.channel, pending.ownSubscription ? 1 : 0, pending.payload]);
    // ioredis sends commands in the order they are issued on one connection, so batches stay in order.
    this.redis.eval(PUBLISH_TO_OTHERS_SCRIPT, 0, ...args).then(
      () => batch.forEach((pending) => pending.resolve()),
      (error: unknown) => batch.forEach((pending) => pending.reject(error)),
    );
  }
}
