import type { Redis } from "ioredis";
import type { AppSessionBinding, AppSessionStore, LaunchTicket } from "../domain/app-session";

const ticketKey = (sha256: string) => `proxy:launch:${sha256}`;
const sessionKey = (sha256: string) => `proxy:app-session:${sha256}`;

function parseBinding(raw: string | null): (AppSessionBinding & { path?: unknown }) | undefined {
  if (!raw) return undefined;
  const value = JSON.parse(raw) as Partial<AppSessionBinding> & { path?: unknown };
  if (typeof value.tokenSha256 !== "string" || typeof value.tokenId !== "string" || typeof value.userId !== "string" || typeof value.expiresAt !== "number" || typeof value.appOrigin !== "string") return undefined;
  return { tokenSha256: value.tokenSha256, tokenId: value.tokenId, userId: value.userId, expiresAt: value.expiresAt, appOrigin: value.appOrigin, path: value.path };
}

/** Launch tickets and app sessions in Redis (`proxy:launch:*`, `proxy:app-session:*`), with TTLs. */
export class RedisAppSessionRepository implements AppSessionStore {
  constructor(private readonly redis: Redis) {}

  async saveTicket(ticketSha256: string, ticket: LaunchTicket, ttlMs: number): Promise<void> {
    await this.redis.set(ticketKey(ticketSha256), JSON.stringify(ticket), "PX", ttlMs);
  }

  async takeTicket(ticketSha256: string): Promise<LaunchTicket | undefined> {
    const binding = parseBinding(await this.redis.getdel(ticketKey(ticketSha256)));
    if (!binding || typeof binding.path !== "string") return undefined;
    return { ...binding, path: binding.path };
  }

  async saveSession(sessionSha256: string, binding: AppSessionBinding, ttlMs: number): Promise<void> {
    await this.redis.set(sessionKey(sessionSha256), JSON.stringify(binding), "PX", ttlMs);
  }

  async findSession(sessionSha256: string): Promise<AppSessionBinding | undefined> {
    const binding = parseBinding(await this.redis.get(sessionKey(sessionSha256)));
    if (!binding) return undefined;
    const { path: _path, ...session } = binding;
    return session;
  }

  async deleteSession(sessionSha256: string): Promise<void> {
    await this.redis.del(sessionKey(sessionSha256));
  }
}
