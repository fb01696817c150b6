import type { Redis } from "ioredis";
import type { CancelOutcome, MatchmakingQueue, QueueExpiry, QueuePair, QueueStatus, RatingWindow } from "../domain/matchmaking-queue.port";

/** How long `GET /games/matchmaking` answers `matched` after a pairing. */
const MATCHED_TTL_SECONDS = 300;
/** Players looked at per pairing pass (lowest ratings first); the rest wait for the next pass. */
const MAX_SCAN = 1000;

// KEYS: queue, player hash, matched key. ARGV: user, rating, now (ms), hash ttl (ms).
const ENQUEUE = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], 'rating', ARGV[2], 'queued_at', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('DEL', KEYS[3])
return 1`;

// KEYS: queue, player hash, matched key. ARGV: user.
// Returns 1 when the player left the queue, the matched key's value ('pending' or a game id) when a
// pairing took them out first, 0 when they were not queued. One script with the pairing's, so a
// cancel and a pairing never both win (before, a cancel could answer find_cancelled while the
// pairing that had just taken the player out went on to make their game).
const CANCEL = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('DEL', KEYS[2])
  return 1
end
local matched = redis.call('GET', KEYS[3])
if matched then return matched end
return 0`;

// KEYS: queue. ARGV: now (ms), timeout (ms), player key prefix, window base, step, step ms, max scan, matched key prefix, matched ttl (s).
// Returns { pairs: [p1, r1, p2, r2, ...], expired: [user, queued_at, ...] }; ratings as strings (Lua numbers would be truncated).
const TAKE_PAIRS = `
local now, timeout, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local base, step, stepMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local entries = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[7]) - 1, 'WITHSCORES')
local users, ratings, since, expired = {}, {}, {}, {}
for i = 1, #entries, 2 do
  local user, rating = entries[i], entries[i + 1]
  local queuedAt = tonumber(redis.call('HGET', prefix .. user, 'queued_at') or ARGV[1])
  if now - queuedAt >= timeout then
    redis.call('ZREM', KEYS[1], user)
    redis.call('DEL', prefix .. user)
    table.insert(expired, user)
    table.insert(expired, tostring(queuedAt))
  else
    table.insert(users, user)
    table.insert(ratings, rating)
    table.insert(since, queuedAt)
  end
end
local function window(i) return base + step * math.floor((now - since[i]) / stepMs) end
local taken, found = {}, {}
while true do
  local best, bestGap, previous = nil, nil, nil
  for i = 1, #users do
    if not taken[i] then
      if previous then
        local gap = tonumber(ratings[i]) - tonumber(ratings[previous])
        if gap <= math.max(window(i), window(previous)) and (bestGap == nil or gap < bestGap) then
          best, bestGap = { previous, i }, gap
        end
      end
      previous = i
    end
  end
  if not best then break end
  local a, b = best[1], best[2]
  if since[b] < since[a] then a, b = b, a end
  taken[a], taken[b] = true, true
  for _, i in ipairs({ a, b }) do
    -- The player hash stays while the game is made: GET says queued until the game is committed.
    redis.call('ZREM', KEYS[1], users[i])
    redis.call('SET', ARGV[8] .. users[i], 'pending', 'EX', tonumber(ARGV[9]))
    table.insert(found, users[i])
    table.insert(found, ratings[i])
  end
end
return { found, expired }`;

/**
 * The matchmaking queue in Redis: one sorted set by rating and a hash per player (rating, when
 * queued). Pairing is one Lua script, so it is atomic across every instance running it.
 */
export class RedisMatchmakingQueue implements MatchmakingQueue {
  private readonly queueKey: string;

  constructor(
    private readonly redis: Redis,
    /** Hash keys outlive a lost queue entry by no more than this (ms). */
    private readonly timeoutMs: number,
    /** No default: the environment's (GameRedisKeys.matchmaking), so nothing lands on another environment's queue by omission. */
    private readonly prefix: string,
  ) {
    this.queueKey = `${prefix}queue`;
  }

  private playerKey(userId: string): string {
    return `${this.prefix}player:${userId}`;
  }

  private matchedKey(userId: string): string {
    return `${this.prefix}matched:${userId}`;
  }

  async enqueue(userId: string, rating: number, now: Date): Promise<boolean> {
    const added = await this.redis.eval(ENQUEUE, 3, this.queueKey, this.playerKey(userId), this.matchedKey(userId), userId, String(rating), String(now.getTime()), String(this.timeoutMs * 2));
    return added === 1;
  }

  async dequeue(userId: string): Promise<boolean> {
    const [removed] = (await this.redis.multi().zrem(this.queueKey, userId).del(this.playerKey(userId)).exec()) ?? [];
    return removed?.[1] === 1;
  }

  async cancel(userId: string): Promise<CancelOutcome> {
    const answer = await this.redis.eval(CANCEL, 3, this.queueKey, this.playerKey(userId), this.matchedKey(userId), userId);
    if (answer === 1) return { status: "cancelled" };
    if (typeof answer === "string") return { status: "matched", gameId: answer === "pending" ? undefined : answer };
    return { status: "idle" };
  }

  /**
   * Queued while the player is in the queue or a pairing that took them is still making their game
   * ('pending': they are still looking until that game commits, and are queued again if it cannot
   * be made; GET said idle for that moment, which under load lasted long enough to be seen);
   * matched once the game exists; idle otherwise.
   */
  async status(userId: string): Promise<QueueStatus> {
    const [player, matched, score] = await Promise.all([this.redis.hgetall(this.playerKey(userId)), this.redis.get(this.matchedKey(userId)), this.redis.zscore(this.queueKey, userId)]);
    const looking = score !== null || matched === "pending";
    if (looking && player.rating !== undefined && player.queued_at !== undefined) {
      return { status: "queued", rating: Number(player.rating), queuedAt: new Date(Number(player.queued_at)) };
    }
    return matched && matched !== "pending" ? { status: "matched", gameId: matched } : { status: "idle" };
  }

  async takePairs(now: Date, timeoutMs: number, window: RatingWindow): Promise<{ pairs: QueuePair[]; expired: QueueExpiry[] }> {
    const [flatPairs, flatExpired] = (await this.redis.eval(
      TAKE_PAIRS,
      1,
      this.queueKey,
      String(now.getTime()),
      String(timeoutMs),
      this.playerKey(""),
      String(window.base),
      String(window.step),
      String(window.stepMs),
      String(MAX_SCAN),
      this.matchedKey(""),
      String(MATCHED_TTL_SECONDS),
    )) as [string[], string[]];
    const pairs: QueuePair[] = [];
    for (let i = 0; i + 3 < flatPairs.length; i += 4) {
      pairs.push({
        player1: { userId: flatPairs[i] as string, rating: Number(flatPairs[i + 1]) },
        player2: { userId: flatPairs[i + 2] as string, rating: Number(flatPairs[i + 3]) },
      });
    }
    const expired: QueueExpiry[] = [];
    for (let i = 0; i + 1 < flatExpired.length; i += 2) expired.push({ userId: flatExpired[i] as string, queuedAt: new Date(Number(flatExpired[i + 1])) });
    return { pairs, expired };
  }

  async markMatched(userIds: readonly string[], gameId: string): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) pipeline.set(this.matchedKey(userId), gameId, "EX", MATCHED_TTL_SECONDS).del(this.playerKey(userId));
    await pipeline.exec();
  }
}
