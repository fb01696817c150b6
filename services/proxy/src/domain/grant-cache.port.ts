/**
 * The commands the validator's shared tier runs, as Redis names them; an ioredis client is one
 * (the wiring passes it). Declared here so domain/ does not depend on ioredis.
 */
export interface GrantCache {
  get(key: string): Promise<string | null>;
  del(...keys: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  multi(): GrantCacheBatch;
}

/** A MULTI … EXEC block: queued commands, sent together. */
export interface GrantCacheBatch {
  set(key: string, value: string, expiryUnit: "PX", milliseconds: number): GrantCacheBatch;
  sadd(key: string, member: string): GrantCacheBatch;
  pexpire(key: string, milliseconds: number, condition: "NX" | "GT"): GrantCacheBatch;
  exec(): Promise<unknown>;
}
