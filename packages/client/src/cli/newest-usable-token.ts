import { TollgateError } from "../errors";
import type { TollgateClient } from "../tollgate-client";
import type { BoughtTokensFile, RememberedToken } from "./bought-tokens-file";

/** The token statuses of the logged-in user, or undefined when nobody is logged in (or the session ended). */
async function statusesIfLoggedIn(client: TollgateClient) {
  try {
    return await client.tokens.list();
  } catch (error) {
    if (error instanceof TollgateError && error.status === 401) return undefined;
    throw error;
  }
}

/**
 * The most recently bought token this CLI remembers that is not known to be revoked or expired.
 * When someone is logged in, the token service's statuses (and expiry times) of their tokens are
 * learned first; tokens of another account are judged by what the file knows. Tokens found to have
 * ended are dropped from the file.
 */
export async function newestUsableToken(file: BoughtTokensFile, client: TollgateClient, now = Date.now()): Promise<RememberedToken | undefined> {
  const remembered = file.load();
  if (remembered.length === 0) return undefined;
  const statuses = new Map((await statusesIfLoggedIn(client))?.map((item) => [item.id, item]));
  const usable = remembered.flatMap((token) => {
    const known = statuses.get(token.id);
    if (known?.status === "revoked" || known?.status === "expired") return [];
    const expiresAt = known?.expires_at ?? token.expires_at;
    return expiresAt !== null && Date.parse(expiresAt) <= now ? [] : [{ ...token, expires_at: expiresAt }];
  });
  file.save(usable);
  return usable[0];
}
