import type { TokenItem } from "@tollgate/contracts";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import { toTokenItem } from "./access-token";
import { TokenNotFoundError } from "./token-errors";

export interface Requester {
  userId: string;
  isAdmin: boolean;
}

export class ReadTokensUseCase {
  constructor(private readonly tokens: AccessTokenRepositoryPort) {}

  async listMine(userId: string, activeOnly: boolean): Promise<TokenItem[]> {
    const now = new Date();
    return (await this.tokens.listForUser(userId, activeOnly)).map((token) => toTokenItem(token, now));
  }

  /** Someone else's token is "not found", so ids cannot be probed. */
  async getOne(id: string, requester: Requester): Promise<TokenItem> {
    const token = await this.tokens.findById(id);
    if (!token || (token.userId !== requester.userId && !requester.isAdmin)) throw new TokenNotFoundError();
    return toTokenItem(token, new Date());
  }
}
