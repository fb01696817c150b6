import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { accessTokenValueSchema, type PurchaseTokenResponse } from "@tollgate/contracts";
import { z } from "zod";

const rememberedSchema = z.object({
  id: z.uuid(),
  token: accessTokenValueSchema,
  duration_hours: z.number().int(),
  bought_at: z.iso.datetime({ offset: true }),
  /** Unknown (null) until the token is first used and the CLI hears of it from `tokens.list()`. */
  expires_at: z.iso.datetime({ offset: true }).nullable(),
});
const fileSchema = z.object({ tokens: z.array(rememberedSchema) });

export type RememberedToken = z.infer<typeof rememberedSchema>;

/** Enough for every token a user may hold at once (the token service caps them at 10 by default). */
const KEEP = 20;

/**
 * Tokens bought with this CLI, newest first, beside the session in a file only its owner can read
 * (0600, folder 0700): the plaintext is shown once, at purchase, and `get` and `connect` use the
 * newest that may still work. Tokens known to have ended are dropped, plaintext and all.
 */
export class BoughtTokensFile {
  constructor(readonly file: string) {}

  load(): RememberedToken[] {
    if (!existsSync(this.file)) return [];
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, "utf8")));
    return parsed.success ? parsed.data.tokens : [];
  }

  remember(bought: PurchaseTokenResponse): void {
    const entry: RememberedToken = { id: bought.id, token: bought.token, duration_hours: bought.duration_hours, bought_at: bought.created_at, expires_at: null };
    this.save([entry, ...this.load().filter((token) => token.id !== bought.id)]);
  }

  /** Drops a token by its id or its plaintext. */
  forget(idOrToken: string): void {
    const tokens = this.load();
    const kept = tokens.filter((token) => token.id !== idOrToken && token.token !== idOrToken);
    if (kept.length !== tokens.length) this.save(kept);
  }

  save(tokens: RememberedToken[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const newestFirst = [...tokens].sort((a, b) => Date.parse(b.bought_at) - Date.parse(a.bought_at)).slice(0, KEEP);
    writeFileSync(this.file, JSON.stringify({ tokens: newestFirst }), { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }
}
